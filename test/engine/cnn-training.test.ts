import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeDataset } from '../../src/core/dataset.js';
import { Rng } from '../../src/core/random.js';
import { buildOn } from './engine-helpers.js';

/** 10x10 images of noise plus a bright 3x3 square in the left (class 0) or right (class 1) half. */
function squares(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 100);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = rng.int(2);
    y[i] = label;
    for (let p = 0; p < 100; p++) x[i * 100 + p] = 0.3 * rng.uniform();
    const top = rng.int(8);
    const left = label * 5 + rng.int(3);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) x[i * 100 + (top + r) * 10 + left + c] += 1;
  }
  return makeDataset(x, y, [10, 10, 1], 2);
}

test('a 2D CNN learns a small synthetic problem on wasm', async () => {
  const model = await buildOn('tfjs-wasm', {
    inputShape: [10, 10, 1],
    layers: [
      { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 8, activation: 'relu' },
      { type: 'dense', units: 2 },
    ],
    loss: 'softmax_cross_entropy',
  });
  const train = squares(256, 1);
  const test = squares(128, 2);
  const before = await model.evaluateLoss(test);
  const losses: number[] = [];
  await model.train(train, {
    epochs: 8,
    batchSize: 32,
    optimizer: { name: 'adam', lr: 0.01 },
    seed: 4,
    onEpochEnd: (_, l) => losses.push(l),
  });
  const after = await model.evaluateLoss(test);
  assert.ok(after < 0.5 * before, `test loss ${before} -> ${after}`);
  assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `epoch losses ${losses.join(', ')}`);
  const p = await model.predict(test.x, test.n);
  let correct = 0;
  for (let i = 0; i < test.n; i++) if ((p[i * 2 + 1] > 0.5 ? 1 : 0) === test.y[i]) correct++;
  assert.ok(correct / test.n > 0.9, `accuracy ${correct / test.n}`);
  model.dispose();
});
