import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameOnBackends, onBackend, randomValues } from './backend-compare.js';

test('BatchMatMul on wasm matches cpu for every transpose combination and batch shape', async () => {
  const shapes: [number[], number[]][] = [[[5, 7], [7, 3]], [[2, 5, 7], [2, 7, 3]], [[3, 5, 7], [1, 7, 3]], [[64, 30], [30, 64]]];
  for (const [i, [aShape, bShape]] of shapes.entries()) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
        const a = randomValues(tf.util.sizeFromShape(aShape), 50 + i);
        const b = randomValues(tf.util.sizeFromShape(bShape), 60 + i);
        await assertSameOnBackends(
          () => tf.matMul(tf.tensor(a, swap(aShape, transposeA)), tf.tensor(b, swap(bShape, transposeB)), transposeA, transposeB),
          1e-4,
          `matMul ${aShape} x ${bShape} tA=${transposeA} tB=${transposeB}`,
        );
      }
    }
  }
});

test('Sum and Mean on wasm match cpu over outer, inner and all axes, small and large', async () => {
  const shapes = [[64, 64], [2, 5, 7, 3], [64, 26, 26, 16]];
  const axesList = [[0], [0, 1], [0, 1, 2], [1], [-1], [0, 2]];
  for (const [i, shape] of shapes.entries()) {
    const xs = randomValues(tf.util.sizeFromShape(shape), 70 + i);
    for (const axes of axesList.filter((ax) => ax.every((a) => a < shape.length))) {
      for (const keepDims of [false, true]) {
        await assertSameOnBackends(
          () => {
            const x = tf.tensor(xs, shape);
            return [tf.sum(x, axes, keepDims), tf.mean(x, axes, keepDims), tf.sum(x)];
          },
          1e-4,
          `sum/mean ${shape} axes ${axes} keepDims=${keepDims}`,
        );
      }
    }
  }
});

test('Sum keeps its shape contract (keepDims) and int32 sums stay exact', async () => {
  await onBackend('wasm', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const kept = tf.sum(x, [0, 1], true);
    assert.deepEqual(kept.shape, [1, 1, 2]);
    assert.deepEqual(Array.from(kept.dataSync()), [1 + 3 + 5 + 7, 2 + 4 + 6 + 8]);
    const ints = tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0);
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(Array.from(ints.dataSync()), [4, 6]);
    tf.dispose([x, kept, ints]);
  });
});

test('Identity on wasm shares memory safely: a clone outlives its source', async () => {
  await onBackend('wasm', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const copy = tf.clone(x);
    x.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1, -2, 3]);
    copy.dispose();
  });
});
