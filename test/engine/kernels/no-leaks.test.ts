import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { onBackend, randomValues } from './backend-compare.js';

/** Runs every medfed kernel once; returns how many tensors and backend buffers it left behind. */
function leftBehind(): { tensors: number; buffers: number } {
  const before = { tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() };
  tf.tidy(() => {
    const x = tf.tensor4d(randomValues(2 * 9 * 9 * 3, 1), [2, 9, 9, 3]);
    const w = tf.tensor4d(randomValues(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
    const conv = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC' };
    const y = tf.engine().runKernel('Conv2D', { x, filter: w }, { ...conv, dilations: [1, 1] }) as tf.Tensor;
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: y }, { ...conv, filterShape: w.shape });
    tf.engine().runKernel('Conv2DBackpropInput', { dy: y, filter: w }, { ...conv, inputShape: x.shape });
    const pool = { filterSize: 2, strides: 2, pad: 'valid' };
    const p = tf.engine().runKernel('MaxPool', { x }, pool) as tf.Tensor;
    tf.engine().runKernel('MaxPoolGrad', { dy: p, input: x, output: p }, pool);
    const m = tf.reshape(x, [18, 27]);
    tf.matMul(m, m, true, false);
    tf.matMul(m, m, false, true);
    tf.sum(m, 0);
    tf.mean(m, 0, true);
    tf.clone(m);
    tf.slice(m, [2, 3], [4, 5]);
    tf.unstack(x, 1);
    tf.split(m, [7, 20], 1);
  });
  return { tensors: tf.memory().numTensors - before.tensors, buffers: tf.engine().backend.numDataIds() - before.buffers };
}

test('medfed wasm kernels leave no tensors or wasm buffers behind', async () => {
  await onBackend('wasm', () => {
    leftBehind();
    assert.deepEqual(leftBehind(), { tensors: 0, buffers: 0 });
  });
});
