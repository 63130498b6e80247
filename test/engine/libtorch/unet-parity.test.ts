import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../../src/core/dataset.js';
import { labelsPerExample, modelLayout, outputChannels, parseModelSpec } from '../../../src/core/model-params.js';
import type { ModelSpecInput } from '../../../src/core/model-spec.js';
import { Rng } from '../../../src/core/random.js';
import { sizeOf } from '../../../src/core/tensors.js';
import type { TrainableModel } from '../../../src/engine/engine.js';
import { getEngine } from '../../../src/engine/registry.js';
import { assertClose } from '../kernels/backend-compare.js';
import { skipNative } from './native-available.js';

/**
 * The layers and losses of the 3D U-Net (examples/segmentation/study.yaml) and of survival models
 * on the native engine against the TF.js cpu reference: upsample, concatSkip (with dropout and
 * batch norm inside the block), voxel_softmax_cross_entropy and cox. Same initial weights, batch
 * and dropout seed -> same loss and gradients (relative <= 1e-4), predictions and evaluation loss;
 * and the same weights after two epochs of training.
 */
const cases: { name: string; spec: ModelSpecInput }[] = [
  {
    name: '3D U-Net: conv3d same, concatSkip [maxPool3d, conv3d, dropout, batchNorm, upsample], voxel softmax CE',
    spec: {
      inputShape: [4, 4, 4, 2],
      layers: [
        { type: 'conv3d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        {
          type: 'concatSkip',
          layers: [
            { type: 'maxPool3d', poolSize: 2 },
            // No bias before batch norm: its true gradient is 0, and Adam would turn float noise into lr-sized steps.
            { type: 'conv3d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', useBias: false },
            { type: 'dropout', rate: 0.3 },
            { type: 'batchNorm' },
            { type: 'upsample', scaleFactor: 2 },
          ],
        },
        { type: 'conv3d', filters: 3, kernelSize: 1 },
      ],
      loss: 'voxel_softmax_cross_entropy',
    },
  },
  {
    name: '2D: nested concatSkip, avgPool2d, upsample [2, 2], voxel softmax CE',
    spec: {
      inputShape: [4, 6, 1],
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same', activation: 'tanh' },
        {
          type: 'concatSkip',
          layers: [
            { type: 'avgPool2d', poolSize: 2 },
            { type: 'concatSkip', layers: [{ type: 'conv2d', filters: 2, kernelSize: [1, 3], padding: 'same', activation: 'sigmoid' }] },
            { type: 'upsample', scaleFactor: [2, 2] },
          ],
        },
        { type: 'conv2d', filters: 2, kernelSize: 1 },
      ],
      loss: 'voxel_softmax_cross_entropy',
    },
  },
  {
    name: '1D: upsample by 3 after maxPool1d 3 inside concatSkip, flatten, mse',
    spec: {
      inputShape: [6, 2],
      layers: [
        { type: 'concatSkip', layers: [{ type: 'maxPool1d', poolSize: 3 }, { type: 'conv1d', filters: 3, kernelSize: 1 }, { type: 'upsample', scaleFactor: 3 }] },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
      loss: 'mse',
    },
  },
  {
    name: 'cox: dense, Breslow ties and censored rows',
    spec: { inputShape: [5], layers: [{ type: 'dense', units: 4, activation: 'tanh' }, { type: 'dense', units: 1 }], loss: 'cox' },
  },
];

/** n examples with labels fitting the loss: a class per voxel, regression targets, or ±time with ties. */
function dataFor(spec: ModelSpecInput, n: number, seed: number): Dataset {
  const layout = modelLayout(spec);
  const rng = new Rng(seed);
  const shape = [...layout.spec.inputShape];
  const x = Float32Array.from({ length: n * sizeOf(shape) }, () => rng.uniform() * 2 - 1);
  const per = labelsPerExample(layout);
  const loss = layout.spec.loss;
  const y = Float32Array.from({ length: n * per }, (_, i) => {
    if (loss === 'mse') return rng.normal();
    // Times 1..3 (ties), every third row censored.
    if (loss === 'cox') return (1 + rng.int(3)) * (i % 3 === 2 ? -1 : 1);
    return rng.int(outputChannels(layout));
  });
  return { x, y, n, featureShape: shape, numClasses: loss === 'voxel_softmax_cross_entropy' ? outputChannels(layout) : 0 };
}

async function build(engine: string, spec: ModelSpecInput): Promise<TrainableModel> {
  return (await getEngine(engine)).build(parseModelSpec(spec), { seed: 3 });
}

for (const c of cases) {
  test(`libtorch vs tfjs-cpu: ${c.name}`, { skip: skipNative }, async () => {
    const data = dataFor(c.spec, 5, 11);
    const [ref, nat] = [await build('tfjs-cpu', c.spec), await build('libtorch', c.spec)];
    for (const [name, t] of ref.getWeights()) assert.deepEqual(nat.getWeights().get(name)!.data, t.data, name);
    const a = await ref.gradients(data.x, data.y, data.n, { dropoutSeed: 5 });
    const b = await nat.gradients(data.x, data.y, data.n, { dropoutSeed: 5 });
    assert.ok(a.loss > 0, 'a loss to compare');
    assertClose([b.loss], [a.loss], 1e-4, 'loss');
    assert.deepEqual([...b.gradients.keys()], [...a.gradients.keys()]);
    for (const [name, g] of a.gradients) assertClose(b.gradients.get(name)!.data, g.data, 1e-4, name);
    assertClose(await nat.predict(data.x, data.n), await ref.predict(data.x, data.n), 1e-4, 'predict');
    assertClose([await nat.evaluateLoss(data)], [await ref.evaluateLoss(data)], 1e-4, 'evaluateLoss');
    // Two epochs of Adam, batch 2 (dropout masks and batch-norm statistics per step), same weights.
    const options = { epochs: 2, batchSize: 2, optimizer: { name: 'adam' as const, lr: 0.01 }, seed: 9 };
    const [ra, rb] = [await ref.train(data, options), await nat.train(data, options)];
    assertClose([rb.loss], [ra.loss], 1e-4, 'training loss');
    const wa = ref.getWeights();
    for (const [name, t] of nat.getWeights()) assertClose(t.data, wa.get(name)!.data, 1e-4, `trained ${name}`);
    ref.dispose();
    nat.dispose();
  });
}

test('libtorch: cox with no event in the batch gives loss 0 and zero gradients', { skip: skipNative }, async () => {
  const spec = cases[cases.length - 1].spec;
  const data = dataFor(spec, 4, 2);
  data.y.set([-1, -2, -2, -3]);
  const nat = await build('libtorch', spec);
  const r = await nat.gradients(data.x, data.y, data.n);
  assert.equal(r.loss, 0);
  for (const [name, g] of r.gradients) assert.ok(g.data.every((v) => v === 0), name);
  nat.dispose();
});
