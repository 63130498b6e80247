import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, assertSameOnBackends, onBackend, randomValues } from './backend-compare.js';
import { stockKernel } from '../../../src/engine/tfjs/kernels/wasm-backend.js';

interface PoolCase {
  x: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
}

const cases: PoolCase[] = [];
for (const filterSize of [[2, 2], [3, 3], [1, 3]] as [number, number][]) {
  for (const strides of [[1, 1], [2, 2]] as [number, number][]) {
    for (const pad of ['valid', 'same'] as const) cases.push({ x: [2, 7, 9, 3], filterSize, strides, pad });
  }
}
cases.push({ x: [4, 1, 25, 8], filterSize: [1, 2], strides: [1, 2], pad: 'valid' }); // maxPool1d
cases.push({ x: [8, 26, 26, 16], filterSize: [2, 2], strides: [2, 2], pad: 'valid' }); // benchmark CNN

/** Inputs: mixed signs, all negative (every window <= 0), and post-ReLU (ties at zero). */
function inputs(size: number, seed: number): [string, Float32Array][] {
  const mixed = randomValues(size, seed);
  return [
    ['mixed', mixed],
    ['all-negative', randomValues(size, seed + 1, -5, -0.5)],
    ['relu', mixed.map((v) => Math.max(0, v))],
  ];
}

const label = (c: PoolCase, kind: string) => `x ${c.x} filter ${c.filterSize} strides ${c.strides} ${c.pad} ${kind}`;

for (const kernel of ['MaxPool', 'AvgPool'] as const) {
  test(`${kernel} and ${kernel}Grad on wasm match the cpu backend`, async () => {
    for (const [i, c] of cases.entries()) {
      for (const [kind, xs] of inputs(tf.util.sizeFromShape(c.x), 10 * i)) {
        const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
        await assertSameOnBackends(
          () => {
            const x = tf.tensor(xs, c.x);
            const y = tf.engine().runKernel(kernel, { x }, attrs) as tf.Tensor;
            const dy = tf.tensor(randomValues(y.size, 7 * i + 1), y.shape);
            const grad = kernel === 'MaxPool'
              ? tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs)
              : tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, attrs);
            return [y, grad as tf.Tensor];
          },
          1e-4,
          `${kernel} ${label(c, kind)}`,
        );
      }
    }
  });
}

function maxPoolGradOf(x: tf.Tensor4D, dy: tf.Tensor4D, stock: boolean): number[] {
  const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
  return tf.tidy(() => {
    const y = tf.engine().runKernel('MaxPool', { x }, attrs) as tf.Tensor;
    const inputs = { dy, input: x, output: y };
    if (!stock) return Array.from((tf.engine().runKernel('MaxPoolGrad', inputs, attrs) as tf.Tensor).dataSync());
    const backend = tf.backend();
    const out = stockKernel('MaxPoolGrad').kernelFunc({ inputs, attrs, backend }) as tf.TensorInfo;
    const values = Array.from(backend.readSync(out.dataId) as Float32Array);
    backend.disposeData(out.dataId);
    return values;
  });
}

test('MaxPoolGrad routes the gradient of an all-negative window to its maximum (stock wasm bug fixed)', async () => {
  // One 2x2 window [-3, -1, -4, -2]: the max -1 sits at index 1, so dx = [0, 5, 0, 0].
  await onBackend('wasm', () => {
    const x = tf.tensor4d([-3, -1, -4, -2], [1, 2, 2, 1]);
    const dy = tf.tensor4d([5], [1, 1, 1, 1]);
    assert.deepEqual(maxPoolGradOf(x, dy, false), [0, 5, 0, 0]);
    // The stock kernel (kept for this check) loses the gradient: this is what we replace.
    assert.notDeepEqual(maxPoolGradOf(x, dy, true), [0, 5, 0, 0]);
    tf.dispose([x, dy]);
  });
});

test('MaxPoolGrad gives a tie to the first maximum, like the cpu backend', async () => {
  const grad = await onBackend('wasm', () => {
    const x = tf.tensor4d([0, 0, 0, 0, 2, 1, 2, 0], [1, 2, 2, 2]);
    const dy = tf.tensor4d([3, 4], [1, 1, 1, 2]);
    const values = maxPoolGradOf(x, dy, false);
    tf.dispose([x, dy]);
    return values;
  });
  // channel 0: [0, 0, 2, 2] -> first max at pixel 2; channel 1: [0, 0, 1, 0] -> pixel 2 (of 0..3).
  assertClose(grad, [0, 0, 0, 0, 3, 4, 0, 0], 0, 'tie-breaking');
});
