import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModelSpec } from '../../../src/core/model-params.js';
import type { ModelSpecInput } from '../../../src/core/model-spec.js';
import { Rng } from '../../../src/core/random.js';
import type { TrainOptions } from '../../../src/engine/engine.js';
import { getEngine } from '../../../src/engine/registry.js';
import { dropoutMask } from '../../../src/engine/tfjs/dropout-mask.js';
import { assertSameTraining } from '../kernels/backend-compare.js';
import { randomData, weightsEqual } from '../engine-helpers.js';
import { nativeAddon, skipNative } from './native-available.js';

const mlp: ModelSpecInput = {
  inputShape: [5],
  layers: [
    { type: 'dense', units: 12, activation: 'relu' },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 3 },
  ],
  loss: 'softmax_cross_entropy',
};

async function build(engine: string, spec: ModelSpecInput = mlp, seed = 2) {
  return (await getEngine(engine)).build(parseModelSpec(spec), { seed });
}

test('native epoch order and dropout masks are those of core/random and tfjs/dropout-mask', { skip: skipNative }, () => {
  const addon = nativeAddon();
  for (const [seed, epoch, n] of [[5, 0, 37], [-123456, 3, 100], [2 ** 31 - 1, 1, 1]]) {
    assert.deepEqual(addon.permutation(seed, epoch, n), Rng.derive(seed, 'epoch', epoch).permutation(n));
  }
  assert.deepEqual(addon.dropoutMask(99, 4, 500, 0.3), dropoutMask(99, 4, 500, 0.3));
});

test('libtorch training reduces the loss and is deterministic for a seed', { skip: skipNative }, async () => {
  const data = randomData([5], 120, 3, 'softmax_cross_entropy', 4);
  // Learnable labels: the class of the largest of the first three features.
  for (let i = 0; i < data.n; i++) {
    const r = data.x.subarray(i * 5, i * 5 + 3);
    (data.y as Float32Array)[i] = r.indexOf(Math.max(...r));
  }
  const options: TrainOptions = { epochs: 15, batchSize: 16, optimizer: { name: 'adam', lr: 0.02 }, seed: 9 };
  const a = await build('libtorch');
  const before = await a.evaluateLoss(data);
  const epochs: number[] = [];
  const r = await a.train(data, { ...options, onEpochEnd: (_, loss) => epochs.push(loss) });
  assert.equal(r.steps, 15 * 8);
  assert.equal(epochs.length, 15);
  const after = await a.evaluateLoss(data);
  assert.ok(after < before * 0.6, `loss ${before} -> ${after}`);
  const b = await build('libtorch');
  await b.train(data, options);
  assert.ok(weightsEqual(a.getWeights(), b.getWeights()), 'same seed, same weights');
  a.dispose();
  b.dispose();
});

const variants: { name: string; options: (w: Map<string, { shape: readonly number[]; data: Float32Array }>) => Partial<TrainOptions> }[] = [
  { name: 'sgd', options: () => ({ optimizer: { name: 'sgd', lr: 0.1 } }) },
  { name: 'momentum + weight decay', options: () => ({ optimizer: { name: 'momentum', lr: 0.05, weightDecay: 0.01 } }) },
  {
    name: 'adam + FedProx + SCAFFOLD correction',
    options: (w) => ({
      optimizer: { name: 'adam', lr: 0.01, weightDecay: 0.001 },
      proximal: { mu: 0.5, anchor: new Map([...w].map(([k, t]) => [k, { shape: t.shape, data: t.data.map((v) => v * 0.5) }])) },
      gradientCorrection: new Map([['0.weight', { shape: w.get('0.weight')!.shape, data: w.get('0.weight')!.data.map((_, i) => ((i % 7) - 3) * 1e-3) }]]),
    }),
  },
];

for (const v of variants) {
  test(`libtorch trains like tfjs-cpu (same order, masks and update rule): ${v.name}`, { skip: skipNative }, async () => {
    const data = randomData([5], 40, 3, 'softmax_cross_entropy', 8);
    const results = [];
    for (const engine of ['tfjs-cpu', 'libtorch']) {
      const model = await build(engine);
      const r = await model.train(data, { epochs: 3, batchSize: 8, seed: 4, optimizer: { name: 'sgd', lr: 0.1 }, ...v.options(model.getWeights()) });
      results.push({ r, w: model.getWeights() });
      model.dispose();
    }
    const [ref, nat] = results;
    assertSameTraining(nat, ref, 1e-4, 'mean loss of the last epoch');
  });
}

test('libtorch DP-SGD follows the TF.js engine for the same sampling and noise stream', { skip: skipNative }, async () => {
  const data = randomData([5], 30, 3, 'softmax_cross_entropy', 12);
  const results = [];
  for (const engine of ['tfjs-cpu', 'libtorch']) {
    const model = await build(engine);
    const rng = new Rng(77);
    const r = await model.train(data, {
      epochs: 2,
      batchSize: 6,
      seed: 3,
      optimizer: { name: 'sgd', lr: 0.2 },
      dpSgd: { clipNorm: 0.5, noiseMultiplier: 0.8, uniform: () => rng.uniform() },
    });
    results.push({ r, w: model.getWeights() });
    model.dispose();
  }
  const [ref, nat] = results;
  assertSameTraining(nat, ref, 1e-4);
});

test('libtorch trains off the main thread: timers keep firing during training', { skip: skipNative }, async () => {
  const spec: ModelSpecInput = {
    inputShape: [16, 16, 1],
    layers: [{ type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 2 }],
    loss: 'softmax_cross_entropy',
  };
  const model = await build('libtorch', spec);
  const data = randomData([16, 16, 1], 512, 2, 'softmax_cross_entropy', 1);
  // Calibrate: as many epochs as take at least ~300 ms on this machine (the engine got faster
  // over time; a fixed workload became too short to tell a blocked loop from a free one).
  const t0 = Date.now();
  await model.train(data, { epochs: 1, batchSize: 32, optimizer: { name: 'adam', lr: 1e-3 }, seed: 1 });
  const epochs = Math.min(200, Math.max(2, Math.ceil(300 / Math.max(1, Date.now() - t0))));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = Date.now();
  await model.train(data, { epochs, batchSize: 32, optimizer: { name: 'adam', lr: 1e-3 }, seed: 1 });
  const ms = Date.now() - started;
  clearInterval(timer);
  model.dispose();
  assert.ok(ms > 50, `training took ${ms} ms, too short to tell`);
  assert.ok(ticks >= Math.floor(ms / 5 / 4), `${ticks} timer ticks in ${ms} ms: the event loop was blocked`);
});
