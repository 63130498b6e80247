import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { buildOn, randomData } from './engine-helpers.js';

test('the wasm engine trains inside a worker thread, identically to the main thread', async () => {
  const worker = new Worker(new URL('./fixtures/train-in-worker.js', import.meta.url));
  const result = await new Promise<{ steps: number; weights: [string, number[]][] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const model = await buildOn('tfjs-wasm', {
    inputShape: [4],
    layers: [{ type: 'dense', units: 3, activation: 'relu' }, { type: 'dense', units: 2 }],
    loss: 'softmax_cross_entropy',
  });
  const r = await model.train(randomData([4], 32, 2, 'softmax_cross_entropy'), { epochs: 2, batchSize: 8, optimizer: { name: 'adam', lr: 0.01 }, seed: 3 });
  assert.equal(result.steps, r.steps);
  const mine = model.getWeights();
  for (const [name, values] of result.weights) assert.deepEqual(values, Array.from(mine.get(name)!.data), name);
});
