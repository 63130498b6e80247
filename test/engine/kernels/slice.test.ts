import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameOnBackends, onBackend, randomValues } from './backend-compare.js';

/** Slice (stock) and medfed's Unpack and SplitV (kernels/slice.ts) on wasm give exactly the cpu backend's values. */

test('Slice on wasm matches cpu: every rank 1-5, partial and whole axes, float32 and int32', async () => {
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [5]],
    [[6, 7], [0, 0], [6, 7]],
    [[6, 7], [2, 0], [3, 7]],
    [[6, 7], [1, 2], [4, 3]],
    [[5, 4, 3], [1, 0, 0], [1, 4, 3]],
    [[5, 4, 3], [0, 1, 0], [5, 2, 3]],
    [[5, 4, 3], [2, 1, 1], [2, 3, 1]],
    [[3, 4, 5, 2], [1, 1, 2, 0], [2, 2, 3, 2]],
    [[2, 3, 4, 2, 3], [1, 0, 1, 1, 0], [1, 3, 2, 1, 2]],
    [[4, 5], [0, 0], [0, 5]],
  ];
  for (const [i, [shape, begin, size]] of cases.entries()) {
    const values = randomValues(tf.util.sizeFromShape(shape), 90 + i);
    await assertSameOnBackends(() => {
      const x = tf.tensor(values, shape);
      return [tf.slice(x, begin, size), tf.cast(tf.slice(tf.cast(tf.mul(x, 100), 'int32'), begin, size), 'float32')];
    }, 0, `slice ${shape} at ${begin} size ${size}`);
  }
});

test('Unpack (tf.unstack) and SplitV (tf.split) on wasm match cpu on every axis', async () => {
  const shape = [4, 3, 6];
  const values = randomValues(72, 7);
  for (let axis = 0; axis < 3; axis++) {
    await assertSameOnBackends(() => tf.unstack(tf.tensor(values, shape), axis), 0, `unstack axis ${axis}`);
    await assertSameOnBackends(() => tf.split(tf.tensor(values, shape), shape[axis] === 3 ? 3 : 2, axis), 0, `split in equal parts, axis ${axis}`);
    const sizes = axis === 1 ? [1, 2] : [1, shape[axis] - 3, 2];
    await assertSameOnBackends(() => tf.split(tf.tensor(values, shape), sizes, axis), 0, `split ${sizes}, axis ${axis}`);
  }
  // Shapes come out right (the values check above compares flattened data).
  await onBackend('wasm', () => {
    const parts = tf.unstack(tf.zeros([4, 3, 6]), 1);
    assert.deepEqual(parts.map((p) => p.shape), [[4, 6], [4, 6], [4, 6]]);
    tf.dispose(parts);
  });
});
