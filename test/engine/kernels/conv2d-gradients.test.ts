import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { assertSameOnBackends, onBackend, randomValues } from './backend-compare.js';

type Pad = 'valid' | 'same';
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const cases: ConvCase[] = [];
for (const strides of [[1, 1], [2, 2], [2, 1]] as [number, number][]) {
  for (const pad of ['valid', 'same'] as Pad[]) {
    cases.push({ x: [2, 7, 9, 3], filter: [3, 3, 3, 5], strides, pad });
    cases.push({ x: [3, 8, 6, 2], filter: [2, 4, 2, 4], strides, pad });
  }
}
// conv1d as tfjs runs it: height 1, a [1, k, cin, cout] filter.
cases.push({ x: [4, 1, 31, 2], filter: [1, 5, 2, 6], strides: [1, 1], pad: 'same' });
cases.push({ x: [4, 1, 31, 2], filter: [1, 5, 2, 6], strides: [1, 2], pad: 'valid' });
// the benchmark CNN's layers.
cases.push({ x: [8, 28, 28, 1], filter: [3, 3, 1, 16], strides: [1, 1], pad: 'valid' });
cases.push({ x: [8, 13, 13, 16], filter: [3, 3, 16, 32], strides: [1, 1], pad: 'valid' });

function outShape(c: ConvCase): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  return info.outShape;
}

const name = (c: ConvCase) => `x ${c.x} filter ${c.filter} strides ${c.strides} ${c.pad}`;

test('Conv2DBackpropFilter on wasm matches the cpu backend', async () => {
  for (const [i, c] of cases.entries()) {
    const dyShape = outShape(c);
    const xs = randomValues(tf.util.sizeFromShape(c.x), 100 + i);
    const dys = randomValues(tf.util.sizeFromShape(dyShape), 200 + i);
    await assertSameOnBackends(
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xs, c.x), dy: tf.tensor(dys, dyShape) }, {
          strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter,
        }) as tf.Tensor,
      1e-4,
      `Conv2DBackpropFilter ${name(c)}`,
    );
  }
});

test('Conv2DBackpropInput on wasm matches the cpu backend', async () => {
  for (const [i, c] of cases.entries()) {
    const dyShape = outShape(c);
    const ws = randomValues(tf.util.sizeFromShape(c.filter), 300 + i);
    const dys = randomValues(tf.util.sizeFromShape(dyShape), 400 + i);
    await assertSameOnBackends(
      () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dys, dyShape), filter: tf.tensor(ws, c.filter) }, {
          strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x,
        }) as tf.Tensor,
      1e-4,
      `Conv2DBackpropInput ${name(c)}`,
    );
  }
});

test('Conv2DBackpropFilter equals a brute-force sum on a small case', async () => {
  // x 1x3x3x1 = 1..9, dy 1x2x2x1 = [1, 0, 0, 2], 2x2 filter, stride 1, valid:
  // dW[kh,kw] = x[kh,kw]*1 + x[kh+1,kw+1]*2.
  const got = await onBackend('wasm', () =>
    tf.tidy(() =>
      Array.from(
        (tf.engine().runKernel('Conv2DBackpropFilter', {
          x: tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]),
          dy: tf.tensor4d([1, 0, 0, 2], [1, 2, 2, 1]),
        }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 2, 1, 1] }) as tf.Tensor).dataSync(),
      ),
    ),
  );
  assert.deepEqual(got, [1 + 2 * 5, 2 + 2 * 6, 4 + 2 * 8, 5 + 2 * 9]);
});
