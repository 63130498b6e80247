import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { makeDataset } from '../../src/core/dataset.js';
import { getEngine } from '../../src/engine/registry.js';
import { buildOn, randomData } from './engine-helpers.js';

const spec = {
  inputShape: [4],
  layers: [{ type: 'dense' as const, units: 3, activation: 'relu' as const }, { type: 'dense' as const, units: 2 }],
  loss: 'softmax_cross_entropy' as const,
};
const isCode = (code: string, text?: RegExp) => (e: unknown) =>
  e instanceof MedfedError && e.code === code && (!text || text.test(e.message + (e.where ?? '')));

test('getEngine: default is tfjs-wasm; unknown name lists the known engines', async () => {
  assert.equal((await getEngine()).name, 'tfjs-wasm');
  assert.equal((await getEngine('tfjs-cpu')).name, 'tfjs-cpu');
  await assert.rejects(getEngine('tensorflow-gpu'), isCode(ErrorCodes.UNKNOWN_NAME, /tfjs-wasm, tfjs-cpu, libtorch/));
});

test('setWeights rejects unknown names and wrong shapes, naming the tensor, and changes nothing', async () => {
  const model = await buildOn('tfjs-cpu', spec);
  const before = model.getWeights();
  assert.throws(() => model.setWeights(new Map([['7.weight', { shape: [1], data: new Float32Array(1) }]])), isCode(ErrorCodes.SHAPE_MISMATCH, /7\.weight/));
  const bad = new Map([
    ['0.bias', { shape: [3], data: new Float32Array(3) }],
    ['0.weight', { shape: [4, 3], data: new Float32Array(12) }],
  ]);
  assert.throws(() => model.setWeights(bad), isCode(ErrorCodes.SHAPE_MISMATCH, /0\.weight.*\[4, 3\].*\[3, 4\]/));
  assert.deepEqual(model.getWeights(), before);
});

test('data that does not fit the spec is rejected', async () => {
  const model = await buildOn('tfjs-wasm', spec);
  const opts = { epochs: 1, batchSize: 4, optimizer: { name: 'sgd' as const, lr: 0.1 }, seed: 1 };
  await assert.rejects(model.train(randomData([5], 8, 2, 'softmax_cross_entropy'), opts), isCode(ErrorCodes.SHAPE_MISMATCH, /\[5\].*\[4\]/));
  await assert.rejects(model.predict(new Float32Array(7), 2), isCode(ErrorCodes.SHAPE_MISMATCH));
  const badLabels = makeDataset(new Float32Array(8), Float32Array.of(0, 2), [4], 2);
  await assert.rejects(model.train(badLabels, opts), isCode(ErrorCodes.DATA_INVALID, /label 1 is 2/));
  await assert.rejects(model.train(randomData([4], 8, 2, 'softmax_cross_entropy'), { ...opts, optimizer: { name: 'sgd', lr: -1 } }), isCode(ErrorCodes.CONFIG_INVALID));
});

test('a non-finite loss stops training with NUMERIC_DIVERGENCE', async () => {
  const model = await buildOn('tfjs-wasm', spec);
  const data = randomData([4], 16, 2, 'softmax_cross_entropy');
  const huge = { ...data, x: data.x.map((v) => v * 1e38) };
  await assert.rejects(
    model.train(huge, { epochs: 3, batchSize: 4, optimizer: { name: 'sgd', lr: 1e10 }, seed: 1 }),
    isCode(ErrorCodes.NUMERIC_DIVERGENCE),
  );
});

test('a disposed model refuses work', async () => {
  const model = await buildOn('tfjs-cpu', spec);
  model.dispose();
  assert.throws(() => model.getWeights(), isCode(ErrorCodes.ENGINE_FAILURE));
});
