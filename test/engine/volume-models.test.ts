import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelLayout } from '../../src/core/model-params.js';
import type { ModelSpecInput } from '../../src/core/model-spec.js';
import { Rng } from '../../src/core/random.js';
import { sizeOf } from '../../src/core/tensors.js';
import { assertClose } from './kernels/backend-compare.js';
import { buildOn, randomData } from './engine-helpers.js';

/** A small 3D U-Net as a sequential spec: encoder conv, skip block [pool, conv, upsample], decoder conv, 1x1x1 head. */
const unet: ModelSpecInput = {
  inputShape: [8, 8, 8, 1],
  layers: [
    { type: 'conv3d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
    {
      type: 'concatSkip',
      layers: [
        { type: 'maxPool3d', poolSize: 2 },
        { type: 'conv3d', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'upsample', scaleFactor: 2 },
      ],
    },
    { type: 'conv3d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
    { type: 'conv3d', filters: 3, kernelSize: 1 },
  ],
  loss: 'voxel_softmax_cross_entropy',
};

/** n volumes with a bright blob (class 1), a dark blob (class 2) and background (class 0), labelled per voxel. */
function blobs(shape: number[], n: number, seed: number): { x: Float32Array; y: Float32Array; n: number; featureShape: number[]; numClasses: number } {
  const [d, h, w] = shape;
  const v = d * h * w;
  const rng = new Rng(seed);
  const x = new Float32Array(n * v);
  const y = new Float32Array(n * v);
  for (let e = 0; e < n; e++) {
    const centres = [1, 2].map(() => [rng.uniform() * d, rng.uniform() * h, rng.uniform() * w]);
    for (let i = 0; i < v; i++) {
      const p = [Math.floor(i / (h * w)), Math.floor(i / w) % h, i % w];
      const near = centres.map((c) => Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]) < 2.5);
      const cls = near[0] ? 1 : near[1] ? 2 : 0;
      y[e * v + i] = cls;
      x[e * v + i] = (cls === 1 ? 1 : cls === 2 ? -1 : 0) + 0.3 * rng.normal();
    }
  }
  return { x, y, n, featureShape: [...shape, 1], numClasses: 3 };
}

/** Random features and labels fitting the spec's loss (per voxel for the voxel loss). */
function dataFor(spec: ModelSpecInput, n: number, seed: number, lo = -1, hi = 1) {
  const layout = modelLayout(spec);
  const k = layout.outputShape[layout.outputShape.length - 1];
  if (spec.loss !== 'voxel_softmax_cross_entropy') return randomData([...spec.inputShape], n, k, spec.loss, seed, lo, hi);
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * sizeOf(spec.inputShape) }, () => lo + (hi - lo) * rng.uniform());
  const y = Float32Array.from({ length: (n * sizeOf(layout.outputShape)) / k }, () => rng.int(k));
  return { x, y, n, featureShape: [...spec.inputShape], numClasses: k };
}

const parityCases: { name: string; spec: ModelSpecInput; lo?: number; hi?: number }[] = [
  {
    name: 'conv3d valid stride 1, same stride 2 (even kernel), maxPool3d same, avgPool3d, softmax CE',
    spec: {
      inputShape: [7, 6, 5, 2],
      layers: [
        { type: 'conv3d', filters: 3, kernelSize: 3, activation: 'relu' },
        { type: 'conv3d', filters: 4, kernelSize: [2, 3, 2], stride: 2, padding: 'same', activation: 'tanh' },
        { type: 'maxPool3d', poolSize: 2, padding: 'same' },
        { type: 'conv3d', filters: 3, kernelSize: 1, useBias: false },
        { type: 'avgPool3d', poolSize: [2, 1, 1], stride: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 3 },
      ],
      loss: 'softmax_cross_entropy',
    },
  },
  {
    name: 'conv3d valid stride 2 then same stride 1, avgPool3d same, sigmoid CE',
    spec: {
      inputShape: [9, 8, 7, 1],
      layers: [
        { type: 'conv3d', filters: 4, kernelSize: 3, stride: 2, activation: 'sigmoid' },
        { type: 'conv3d', filters: 2, kernelSize: 3, padding: 'same' },
        { type: 'avgPool3d', poolSize: 3, stride: 2, padding: 'same' },
        { type: 'flatten' },
        { type: 'dense', units: 1 },
      ],
      loss: 'sigmoid_cross_entropy',
    },
  },
  {
    name: 'maxPool3d directly on all-negative inputs (stock wasm bug)',
    spec: {
      inputShape: [5, 5, 5, 2],
      layers: [{ type: 'maxPool3d', poolSize: 2, padding: 'same' }, { type: 'flatten' }, { type: 'dense', units: 2 }],
      loss: 'softmax_cross_entropy',
    },
    lo: -3,
    hi: -0.2,
  },
  { name: '3D U-Net: concatSkip, upsample, voxel softmax CE', spec: unet },
  {
    name: '2D concatSkip with upsample [2, 1] and a per-pixel loss; 1D upsample',
    spec: {
      inputShape: [6, 5, 2],
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        {
          type: 'concatSkip',
          layers: [
            { type: 'maxPool2d', poolSize: [2, 1] },
            { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same', activation: 'tanh' },
            { type: 'dropout', rate: 0.25 },
            { type: 'upsample', scaleFactor: [2, 1] },
          ],
        },
        { type: 'conv2d', filters: 3, kernelSize: 1 },
      ],
      loss: 'voxel_softmax_cross_entropy',
    },
  },
  {
    name: '1D: conv1d, concatSkip [maxPool1d, conv1d, upsample], flatten, mse',
    spec: {
      inputShape: [12, 2],
      layers: [
        { type: 'conv1d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'concatSkip', layers: [{ type: 'maxPool1d', poolSize: 3 }, { type: 'conv1d', filters: 2, kernelSize: 1 }, { type: 'upsample', scaleFactor: 3 }] },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
      loss: 'mse',
    },
  },
];

for (const c of parityCases) {
  test(`gradient parity cpu vs wasm: ${c.name}`, async () => {
    const data = dataFor(c.spec, 3, 11, c.lo, c.hi);
    const results = [];
    for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
      const model = await buildOn(engine, c.spec, 3);
      results.push(await model.gradients(data.x, data.y, data.n, { dropoutSeed: 5 }));
      model.dispose();
    }
    const [cpu, wasm] = results;
    assert.ok(Number.isFinite(cpu.loss));
    assertClose([wasm.loss], [cpu.loss], 1e-4, 'loss');
    assert.deepEqual([...wasm.gradients.keys()], [...cpu.gradients.keys()]);
    for (const [name, g] of cpu.gradients) assertClose(wasm.gradients.get(name)!.data, g.data, 1e-4, name);
  });
}

test('nested parameters are named like a PyTorch module with an inner nn.Sequential called layers', () => {
  const layout = modelLayout(unet);
  assert.deepEqual(
    layout.params.map((p) => `${p.name} [${p.shape.join(', ')}]`),
    [
      '0.weight [4, 1, 3, 3, 3]',
      '0.bias [4]',
      '1.layers.1.weight [8, 4, 3, 3, 3]',
      '1.layers.1.bias [8]',
      '2.weight [4, 12, 3, 3, 3]',
      '2.bias [4]',
      '3.weight [3, 4, 1, 1, 1]',
      '3.bias [3]',
    ],
  );
  assert.deepEqual(layout.outputShape, [8, 8, 8, 3]);
  assert.deepEqual(layout.layers[1].outputShape, [8, 8, 8, 12]);
  assert.equal(layout.params[2].layerPath, '1.layers.1');
  assert.equal(layout.params[2].layerIndex, 1);
});

test('conv3d weights use PyTorch layout [out, in, kd, kh, kw]', async () => {
  // One tap at (kd, kh, kw) = (0, 1, 2) with weight 1: valid output (d, h, w) = x[d, h + 1, w + 2].
  const spec: ModelSpecInput = {
    inputShape: [3, 4, 5, 1],
    layers: [{ type: 'conv3d', filters: 1, kernelSize: 3, useBias: false }, { type: 'flatten' }],
    loss: 'mse',
  };
  const x = Float32Array.from({ length: 60 }, (_, i) => i);
  const w = new Float32Array(27);
  w[0 * 9 + 1 * 3 + 2] = 1;
  for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const model = await buildOn(engine, spec);
    model.setWeights(new Map([['0.weight', { shape: [1, 1, 3, 3, 3], data: w }]]));
    const y = await model.predict(x, 1);
    // Output [1, 2, 3]: (0, h, w) -> x[(0 * 4 + h + 1) * 5 + w + 2].
    assert.deepEqual(Array.from(y), [7, 8, 9, 12, 13, 14], engine);
    model.dispose();
  }
});

test('a tiny 3D U-Net learns per-voxel classes on wasm: loss goes down, predictions are per-voxel probabilities', async () => {
  const train = blobs([8, 8, 8], 8, 1);
  const model = await buildOn('tfjs-wasm', unet, 2);
  const before = await model.evaluateLoss(train);
  const losses: number[] = [];
  await model.train(train, { epochs: 12, batchSize: 4, optimizer: { name: 'adam', lr: 0.02 }, seed: 3, onEpochEnd: (_, l) => losses.push(l) });
  const after = await model.evaluateLoss(train);
  assert.ok(after < 0.6 * before, `loss ${before} -> ${after} (epochs: ${losses.map((l) => l.toFixed(3)).join(' ')})`);
  const probs = await model.predict(train.x.subarray(0, 2 * 512), 2);
  assert.equal(probs.length, 2 * 512 * 3);
  let correct = 0;
  for (let v = 0; v < 1024; v++) {
    const p = probs.subarray(v * 3, v * 3 + 3);
    assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-5);
    if (p.indexOf(Math.max(...p)) === train.y[v]) correct++;
  }
  assert.ok(correct / 1024 > 0.85, `voxel accuracy ${correct / 1024}`);
  model.dispose();
});

test('voxel labels are checked: count per voxel and class range', async () => {
  const model = await buildOn('tfjs-wasm', unet);
  const x = new Float32Array(2 * 512);
  await assert.rejects(model.gradients(x, new Float32Array(2), 2), (e: Error) => /1024 label values for voxel_softmax_cross_entropy, got 2/.test(e.message));
  const y = new Float32Array(1024);
  y[700] = 3;
  await assert.rejects(model.gradients(x, y, 2), (e: Error) => /label 700 is 3; voxel_softmax_cross_entropy needs a class index in 0..2/.test(e.message));
  model.dispose();
});

test('shape errors name the layer: skip block that changes the spatial size, upsample factors, loss vs output', () => {
  const bad = (spec: ModelSpecInput, pattern: RegExp) =>
    assert.throws(() => modelLayout(spec), (e: Error & { code?: string }) => e.code === 'MEDFED_ERR_SHAPE_MISMATCH' && pattern.test(e.message), String(pattern));
  bad(
    { inputShape: [8, 8, 8, 1], layers: [{ type: 'concatSkip', layers: [{ type: 'maxPool3d', poolSize: 2 }] }, { type: 'conv3d', filters: 2, kernelSize: 1 }], loss: 'voxel_softmax_cross_entropy' },
    /^layer 0 \(concatSkip\): its inner layers turn \[8, 8, 8, 1\] into \[4, 4, 4, 1\]/,
  );
  bad(
    {
      inputShape: [8, 8, 1],
      layers: [{ type: 'concatSkip', layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'upsample', scaleFactor: [2, 2, 2] }] }],
      loss: 'voxel_softmax_cross_entropy',
    },
    /^layer 0\.layers\.1 \(upsample\): scaleFactor \[2,2,2\] needs one factor per spatial axis \(2\)/,
  );
  bad({ inputShape: [4, 4, 1], layers: [{ type: 'conv3d', filters: 2, kernelSize: 1 }], loss: 'voxel_softmax_cross_entropy' }, /needs input \[depth, height, width, channels\]/);
  bad({ inputShape: [4, 4, 4, 1], layers: [{ type: 'conv3d', filters: 2, kernelSize: 1 }], loss: 'softmax_cross_entropy' }, /must be flat.*voxel_softmax_cross_entropy/);
  bad({ inputShape: [4], layers: [{ type: 'dense', units: 2 }], loss: 'voxel_softmax_cross_entropy' }, /needs a spatial output/);
  bad({ inputShape: [4, 4, 4, 1], layers: [{ type: 'maxPool3d', poolSize: 5 }, { type: 'flatten' }], loss: 'mse' }, /pool 5x5x5 is larger than the input 4x4x4/);
});
