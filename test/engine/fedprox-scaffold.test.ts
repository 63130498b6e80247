import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cloneWeights, l2Norm, subtractWeights, type Tensor } from '../../src/core/tensors.js';
import { assertClose } from './kernels/backend-compare.js';
import { buildOn, randomData } from './engine-helpers.js';

const spec = {
  inputShape: [5],
  layers: [{ type: 'dense' as const, units: 6, activation: 'relu' as const }, { type: 'dense' as const, units: 2 }],
  loss: 'softmax_cross_entropy' as const,
};
const data = randomData([5], 64, 2, 'softmax_cross_entropy', 3);
const batch = { ...data, x: data.x.subarray(0, 40), y: data.y.subarray(0, 8), n: 8 };

test('FedProx with a large mu keeps the weights near the anchor', async () => {
  const drift: number[] = [];
  for (const mu of [0, 10]) {
    const model = await buildOn('tfjs-wasm', spec, 2);
    const anchor = cloneWeights(model.getWeights());
    await model.train(data, { epochs: 5, batchSize: 8, optimizer: { name: 'sgd', lr: 0.05 }, seed: 1, proximal: { mu, anchor } });
    drift.push(l2Norm(subtractWeights(model.getWeights(), anchor)));
    model.dispose();
  }
  assert.ok(drift[1] < 0.2 * drift[0], `drift without/with proximal term: ${drift.join(' / ')}`);
});

test('FedProx adds mu * (w - anchor) to the gradient and mu/2 ||w - anchor||^2 to the loss', async () => {
  const model = await buildOn('tfjs-cpu', spec, 2);
  const w = model.getWeights();
  const anchor = new Map([...w].map(([k, t]): [string, Tensor] => [k, { shape: t.shape, data: t.data.map((v) => v - 0.5) }]));
  const { loss, gradients } = await model.gradients(batch.x, batch.y, 8);
  const r = await model.train(batch, {
    epochs: 1, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 }, seed: 1, proximal: { mu: 2, anchor },
  });
  let count = 0;
  for (const t of w.values()) count += t.data.length;
  assertClose([r.loss], [loss + (2 / 2) * 0.25 * count], 1e-6, 'loss with proximal term');
  for (const [name, t] of model.getWeights()) {
    const expected = w.get(name)!.data.map((v, i) => v - 0.1 * (gradients.get(name)!.data[i] + 2 * 0.5));
    assertClose(t.data, expected, 1e-5, name);
  }
});

test('SCAFFOLD correction is added to the gradient before the step', async () => {
  const model = await buildOn('tfjs-cpu', spec, 2);
  const w = model.getWeights();
  const { gradients } = await model.gradients(batch.x, batch.y, 8);
  const correction = new Map([['1.bias', { shape: [2], data: Float32Array.of(0.3, -0.7) }]]);
  await model.train(batch, {
    epochs: 1, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 }, seed: 1, gradientCorrection: correction,
  });
  for (const [name, t] of model.getWeights()) {
    const c = correction.get(name)?.data;
    const expected = w.get(name)!.data.map((v, i) => v - 0.1 * (gradients.get(name)!.data[i] + (c ? c[i] : 0)));
    assertClose(t.data, expected, 1e-5, name);
  }
});
