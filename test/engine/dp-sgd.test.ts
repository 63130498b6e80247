import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedfedError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import type { Tensor } from '../../src/core/tensors.js';
import type { TrainableModel } from '../../src/engine/engine.js';
import { buildOn, randomData } from './engine-helpers.js';

const logreg = { inputShape: [4], layers: [{ type: 'dense' as const, units: 1 }], loss: 'sigmoid_cross_entropy' as const };
const mlp = {
  inputShape: [5],
  layers: [
    { type: 'dense' as const, units: 6, activation: 'tanh' as const },
    { type: 'dense' as const, units: 3 },
  ],
  loss: 'softmax_cross_entropy' as const,
};

function copyWeights(m: TrainableModel): Map<string, Float64Array> {
  return new Map([...m.getWeights()].map(([k, t]: [string, Tensor]) => [k, Float64Array.from(t.data)]));
}

function maxAbsDiff(a: Map<string, ArrayLike<number>>, b: Map<string, ArrayLike<number>>): number {
  let d = 0;
  for (const [k, t] of a) for (let i = 0; i < t.length; i++) d = Math.max(d, Math.abs(t[i] - b.get(k)![i]));
  return d;
}

function row(x: Float32Array, per: number, i: number): Float32Array {
  return x.slice(i * per, (i + 1) * per);
}

test('per-example gradients: each example is clipped on its own, and equals the analytic logistic gradient', async () => {
  const data = randomData([4], 6, 1, 'sigmoid_cross_entropy', 3, -3, 3);
  const model = await buildOn('tfjs-cpu', logreg, 5);
  const w0 = copyWeights(model);
  const C = 0.3;
  const expected = new Map([...w0].map(([k, t]) => [k, Float64Array.from(t)]));
  for (let i = 0; i < data.n; i++) {
    const xi = row(data.x, 4, i);
    const single = await model.gradients(xi, data.y.slice(i, i + 1), 1);
    // Analytic gradient of sigmoid cross-entropy: (p - y) x and (p - y).
    const z = w0.get('0.bias')![0] + [0, 1, 2, 3].reduce((s, j) => s + w0.get('0.weight')![j] * xi[j], 0);
    const r = 1 / (1 + Math.exp(-z)) - data.y[i];
    const gw = single.gradients.get('0.weight')!.data;
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(gw[j] - r * xi[j]) < 1e-5, `weight grad ${i},${j}`);
    assert.ok(Math.abs(single.gradients.get('0.bias')!.data[0] - r) < 1e-5);
    const norm = Math.abs(r) * Math.sqrt(1 + xi.reduce((s, v) => s + v * v, 0));
    const f = Math.min(1, C / norm);
    for (const [k, g] of single.gradients) {
      const e = expected.get(k)!;
      for (let j = 0; j < g.data.length; j++) e[j] -= (0.5 * f * g.data[j]) / data.n;
    }
  }
  // q = 1: one step per epoch with every example; update = -lr * sum(clip(g_i)) / n.
  await model.train(data, { epochs: 1, batchSize: data.n, optimizer: { name: 'sgd', lr: 0.5 }, seed: 1, dpSgd: { clipNorm: C, noiseMultiplier: 0, samplingRate: 1 } });
  assert.ok(maxAbsDiff(copyWeights(model), expected) < 1e-6);
  model.dispose();
});

test('clipping bound: one example with a huge gradient moves the weights by exactly lr * C', async () => {
  for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const model = await buildOn(engine, mlp, 2);
    const data = randomData([5], 1, 3, 'softmax_cross_entropy', 8, -50, 50);
    const before = copyWeights(model);
    const raw = await model.gradients(data.x, data.y, 1);
    const rawNorm = Math.sqrt([...raw.gradients.values()].reduce((s, t) => s + t.data.reduce((a, v) => a + v * v, 0), 0));
    assert.ok(rawNorm > 10, `raw gradient norm ${rawNorm} should exceed the clip`);
    await model.train(data, { epochs: 1, batchSize: 1, optimizer: { name: 'sgd', lr: 1 }, seed: 1, dpSgd: { clipNorm: 0.25, noiseMultiplier: 0, samplingRate: 1 } });
    const after = copyWeights(model);
    let sq = 0;
    for (const [k, t] of after) for (let i = 0; i < t.length; i++) sq += (t[i] - before.get(k)![i]) ** 2;
    assert.ok(Math.abs(Math.sqrt(sq) - 0.25) < 1e-5, `${engine}: update norm ${Math.sqrt(sq)}`);
    model.dispose();
  }
});

test('noise multiplier 0 and a huge clip: DP-SGD equals plain SGD on the same Poisson batches', async () => {
  const data = randomData([5], 23, 3, 'softmax_cross_entropy', 4);
  const batchSize = 5;
  const dpModel = await buildOn('tfjs-wasm', mlp, 6);
  const refModel = await buildOn('tfjs-wasm', mlp, 6);
  await dpModel.train(data, {
    epochs: 2,
    batchSize,
    optimizer: { name: 'sgd', lr: 0.1 },
    seed: 3,
    dpSgd: { clipNorm: 1e9, noiseMultiplier: 0, uniform: ((r) => () => r.uniform())(new Rng(99)) },
  });
  // Replay: q = 5/23, ceil(23/5) = 5 steps per epoch, example j joins when its draw < q.
  const rng = new Rng(99);
  const q = batchSize / data.n;
  const w = new Map([...refModel.getWeights()].map(([k, t]: [string, Tensor]) => [k, { shape: t.shape, data: Float32Array.from(t.data) }]));
  for (let step = 0; step < 10; step++) {
    const idx = [...Array(data.n).keys()].filter(() => rng.uniform() < q);
    if (idx.length === 0) continue;
    const x = Float32Array.from(idx.flatMap((j) => [...row(data.x, 5, j)]));
    const y = Float32Array.from(idx.map((j) => data.y[j]));
    refModel.setWeights(w);
    const g = await refModel.gradients(x, y, idx.length);
    for (const [k, t] of w) {
      const gk = g.gradients.get(k)!.data;
      for (let i = 0; i < t.data.length; i++) t.data[i] -= (0.1 * gk[i] * idx.length) / (q * data.n);
    }
  }
  const d = maxAbsDiff(copyWeights(dpModel), new Map([...w].map(([k, t]) => [k, t.data])));
  assert.ok(d < 1e-5, `max difference ${d}`);
  dpModel.dispose();
  refModel.dispose();
});

test('a conv model keeps its weight layout: q = 1, no noise, huge clip equals one full-batch plain SGD step', async () => {
  const spec = {
    inputShape: [8, 2],
    layers: [{ type: 'conv1d' as const, filters: 3, kernelSize: 3, activation: 'relu' as const }, { type: 'flatten' as const }, { type: 'dense' as const, units: 2 }],
    loss: 'softmax_cross_entropy' as const,
  };
  const data = randomData([8, 2], 7, 2, 'softmax_cross_entropy', 12);
  const a = await buildOn('tfjs-wasm', spec, 4);
  const b = await buildOn('tfjs-wasm', spec, 4);
  const shapes = [...a.getWeights()].map(([k, t]) => `${k}:${t.shape.join('x')}`);
  await a.train(data, { epochs: 1, batchSize: data.n, optimizer: { name: 'sgd', lr: 0.3 }, seed: 1 });
  await b.train(data, { epochs: 1, batchSize: data.n, optimizer: { name: 'sgd', lr: 0.3 }, seed: 1, dpSgd: { clipNorm: 1e9, noiseMultiplier: 0, samplingRate: 1 } });
  assert.deepEqual([...b.getWeights()].map(([k, t]) => `${k}:${t.shape.join('x')}`), shapes);
  assert.ok(maxAbsDiff(copyWeights(a), copyWeights(b)) < 1e-6);
  a.dispose();
  b.dispose();
});

test('noise: with a tiny clip the update is the Gaussian noise, whose sample std is sigma * C / (q n)', async () => {
  const spec = { inputShape: [40], layers: [{ type: 'dense' as const, units: 50 }], loss: 'softmax_cross_entropy' as const };
  const model = await buildOn('tfjs-cpu', spec, 1);
  const data = randomData([40], 2, 50, 'softmax_cross_entropy', 2);
  const before = copyWeights(model);
  const C = 1e-3;
  const sigma = 2000; // noise std sigma * C = 2 per coordinate, gradients contribute <= 1e-3
  await model.train(data, { epochs: 1, batchSize: 2, optimizer: { name: 'sgd', lr: 1 }, seed: 1, dpSgd: { clipNorm: C, noiseMultiplier: sigma, samplingRate: 1 } });
  const deltas: number[] = [];
  for (const [k, t] of copyWeights(model)) for (let i = 0; i < t.length; i++) deltas.push(t[i] - before.get(k)![i]);
  const n = deltas.length; // 2050 coordinates
  const mean = deltas.reduce((a, v) => a + v, 0) / n;
  const std = Math.sqrt(deltas.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  // Expected std: sigma * C / (q n) = 2 / 2 = 1. Standard error of a sample std ~ 1/sqrt(2n) = 0.016.
  assert.ok(Math.abs(std - 1) < 0.08, `std ${std}`);
  assert.ok(Math.abs(mean) < 0.1, `mean ${mean}`);
  model.dispose();
});

test('DP-SGD refuses a model with batch normalisation', async () => {
  const spec = { inputShape: [4], layers: [{ type: 'dense' as const, units: 3 }, { type: 'batchNorm' as const }, { type: 'dense' as const, units: 2 }], loss: 'softmax_cross_entropy' as const };
  const model = await buildOn('tfjs-cpu', spec, 1);
  const data = randomData([4], 6, 2, 'softmax_cross_entropy', 2);
  await assert.rejects(
    model.train(data, { epochs: 1, batchSize: 2, optimizer: { name: 'sgd', lr: 0.1 }, seed: 1, dpSgd: { clipNorm: 1, noiseMultiplier: 1 } }),
    (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_CONFIG_INVALID' && /batch normalisation/.test(e.message) && e.where === 'layers[1] (batchNorm)',
  );
  model.dispose();
});
