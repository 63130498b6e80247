import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { FILTER_BY_ROWS_MAX_CHANNELS, useFilterByRows } from '../../../src/engine/tfjs/kernels/conv3d-filter-rows.js';
import { assertClose, assertSameOnBackends, onBackend, randomValues, valuesOn } from './backend-compare.js';

type Pad = 'valid' | 'same';
type Triple = [number, number, number];
interface Conv3dCase {
  x: [number, number, number, number, number];
  filter: [number, number, number, number, number];
  strides: Triple;
  pad: Pad;
}

const cases: Conv3dCase[] = [];
for (const strides of [[1, 1, 1], [2, 2, 2], [2, 1, 2]] as Triple[]) {
  for (const pad of ['valid', 'same'] as Pad[]) {
    cases.push({ x: [2, 7, 6, 5, 2], filter: [3, 3, 3, 2, 3], strides, pad }); // odd kernel, odd and even sizes
    cases.push({ x: [1, 6, 5, 8, 3], filter: [2, 3, 2, 3, 2], strides, pad }); // even kernel taps: asymmetric 'same'
  }
}
cases.push({ x: [3, 4, 4, 4, 5], filter: [1, 1, 1, 5, 3], strides: [1, 1, 1], pad: 'valid' }); // 1x1x1 head
cases.push({ x: [2, 10, 10, 10, 1], filter: [3, 3, 3, 1, 4], strides: [1, 1, 1], pad: 'valid' }); // benchmark's first layer, smaller
// Filter gradient by rows (conv3d-filter-rows.ts): one channel with strides and both paddings, the
// largest channel count on that path (16) and the smallest on the depth-folded conv2d path (17).
cases.push({ x: [2, 9, 11, 10, 1], filter: [3, 3, 3, 1, 4], strides: [2, 2, 2], pad: 'same' });
cases.push({ x: [1, 6, 9, 7, 1], filter: [2, 3, 4, 1, 3], strides: [1, 2, 1], pad: 'valid' });
cases.push({ x: [1, 7, 8, 9, 1], filter: [3, 4, 2, 1, 2], strides: [2, 1, 2], pad: 'same' });
cases.push({ x: [1, 4, 5, 6, 16], filter: [3, 2, 3, 16, 2], strides: [1, 1, 1], pad: 'same' });
cases.push({ x: [1, 5, 5, 6, 17], filter: [2, 3, 3, 17, 2], strides: [2, 2, 2], pad: 'valid' });

function outShape(c: Conv3dCase): number[] {
  return tf.backend_util.computeConv3DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
}

const name = (c: Conv3dCase) => `x ${c.x} filter ${c.filter} strides ${c.strides} ${c.pad}`;

test('Conv3D on wasm (depth taps folded into conv2d) matches the cpu backend', async () => {
  for (const [i, c] of cases.entries()) {
    const xs = randomValues(tf.util.sizeFromShape(c.x), 10 + i);
    const ws = randomValues(tf.util.sizeFromShape(c.filter), 20 + i);
    await assertSameOnBackends(
      () => tf.engine().runKernel('Conv3D', { x: tf.tensor(xs, c.x), filter: tf.tensor(ws, c.filter) }, {
        strides: c.strides, pad: c.pad, dataFormat: 'NDHWC', dilations: [1, 1, 1],
      }) as tf.Tensor,
      1e-4,
      `Conv3D ${name(c)}`,
    );
  }
});

test('Conv3DBackpropInputV2 on wasm matches the cpu backend (the stock kernel is wrong for every input)', async () => {
  for (const [i, c] of cases.entries()) {
    const dyShape = outShape(c);
    const ws = randomValues(tf.util.sizeFromShape(c.filter), 30 + i);
    const dys = randomValues(tf.util.sizeFromShape(dyShape), 40 + i);
    await assertSameOnBackends(
      () => tf.engine().runKernel('Conv3DBackpropInputV2', { dy: tf.tensor(dys, dyShape), filter: tf.tensor(ws, c.filter) }, {
        strides: c.strides, pad: c.pad, inputShape: c.x,
      }) as tf.Tensor,
      1e-4,
      `Conv3DBackpropInputV2 ${name(c)}`,
    );
  }
});

test('Conv3DBackpropFilterV2 on wasm matches the cpu backend (the stock kernel is wrong for strides > 1)', async () => {
  for (const [i, c] of cases.entries()) {
    const dyShape = outShape(c);
    const xs = randomValues(tf.util.sizeFromShape(c.x), 50 + i);
    const dys = randomValues(tf.util.sizeFromShape(dyShape), 60 + i);
    await assertSameOnBackends(
      () => tf.engine().runKernel('Conv3DBackpropFilterV2', { x: tf.tensor(xs, c.x), dy: tf.tensor(dys, dyShape) }, {
        strides: c.strides, pad: c.pad, filterShape: c.filter,
      }) as tf.Tensor,
      1e-4,
      `Conv3DBackpropFilterV2 ${name(c)}`,
    );
  }
});

test('the filter-gradient cases cover both wasm paths (by rows up to 16 channels, depth-folded conv2d above)', () => {
  const byRows = cases.map((c) => useFilterByRows(tf.backend_util.computeConv3DInfo(c.x, c.filter, c.strides, 1, c.pad)));
  assert.ok(byRows.includes(true) && byRows.includes(false), `paths taken: ${byRows}`);
  assert.equal(FILTER_BY_ROWS_MAX_CHANNELS, 16);
  assert.equal(byRows[cases.length - 2], true, 'C = 16 takes the rows path');
  assert.equal(byRows[cases.length - 1], false, 'C = 17 takes the conv2d path');
});

test('a hand-computed 3D convolution: 2x2x2 ones filter over 0..7 with same padding', async () => {
  // x[d,h,w] = 4d + 2h + w; output (0,0,0) sums the whole cube, the others only what is in bounds.
  const values = await onBackend('wasm', () =>
    tf.tidy(() => {
      const x = tf.tensor(Float32Array.from({ length: 8 }, (_, i) => i), [1, 2, 2, 2, 1]);
      const f = tf.ones([2, 2, 2, 1, 1]);
      return Array.from((tf.engine().runKernel('Conv3D', { x, filter: f }, { strides: 1, pad: 'same', dataFormat: 'NDHWC', dilations: 1 }) as tf.Tensor).dataSync());
    }),
  );
  // 'same' with an even kernel pads after: output (d,h,w) sums x over [d..1] x [h..1] x [w..1].
  assert.deepEqual(values, [28, 16, 18, 10, 22, 12, 13, 7]);
});

interface Pool3dCase {
  x: [number, number, number, number, number];
  filterSize: Triple;
  strides: Triple;
  pad: Pad;
}
const poolCases: Pool3dCase[] = [];
for (const filterSize of [[2, 2, 2], [3, 3, 3], [1, 2, 3]] as Triple[]) {
  for (const strides of [[1, 1, 1], [2, 2, 2]] as Triple[]) {
    for (const pad of ['valid', 'same'] as Pad[]) poolCases.push({ x: [2, 5, 6, 7, 3], filterSize, strides, pad });
  }
}
// Disjoint windows with gaps between them and with a different size per axis (MaxPool3DGrad's one-pass path).
poolCases.push({ x: [2, 7, 8, 9, 3], filterSize: [2, 2, 2], strides: [3, 3, 3], pad: 'valid' });
poolCases.push({ x: [2, 5, 6, 7, 3], filterSize: [1, 2, 3], strides: [1, 2, 3], pad: 'valid' });

/** Inputs: mixed signs and all negative (every window <= 0: the stock wasm bug). */
function poolInputs(size: number, seed: number): [string, Float32Array][] {
  return [
    ['mixed', randomValues(size, seed)],
    ['all-negative', randomValues(size, seed + 1, -5, -0.5)],
  ];
}

/** Brute-force max pooling gradient: each output's dy goes to the first maximum of its window. */
function maxPool3dGradReference(x: Float32Array, dy: Float32Array, c: Pool3dCase): Float32Array {
  const info = tf.backend_util.computePool3DInfo(c.x, c.filterSize, c.strides, 1, c.pad);
  const [n, d, h, w, ch] = c.x;
  const [, od, oh, ow] = info.outShape;
  const dx = new Float32Array(x.length);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < od; i++)
      for (let j = 0; j < oh; j++)
        for (let k = 0; k < ow; k++)
          for (let q = 0; q < ch; q++, o++) {
            let best = -Infinity;
            let at = -1;
            for (let z = i * info.strideDepth - info.padInfo.front, zz = 0; zz < c.filterSize[0]; z++, zz++)
              for (let r = j * info.strideHeight - info.padInfo.top, rr = 0; rr < c.filterSize[1]; r++, rr++)
                for (let s = k * info.strideWidth - info.padInfo.left, ss = 0; ss < c.filterSize[2]; s++, ss++) {
                  if (z < 0 || z >= d || r < 0 || r >= h || s < 0 || s >= w) continue;
                  const idx = (((b * d + z) * h + r) * w + s) * ch + q;
                  if (x[idx] > best) {
                    best = x[idx];
                    at = idx;
                  }
                }
            if (at >= 0) dx[at] += dy[o];
          }
  return dx;
}

test('MaxPool3DGrad on wasm matches a brute-force reference (the cpu backend is wrong when filter height != width)', async () => {
  for (const [i, c] of poolCases.entries()) {
    for (const [kind, xs] of poolInputs(tf.util.sizeFromShape(c.x), 100 + 3 * i)) {
      const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad, dataFormat: 'NDHWC' };
      const [grad, dys] = await valuesOn('wasm', () => {
        const x = tf.tensor(xs, c.x);
        const y = tf.engine().runKernel('MaxPool3D', { x }, attrs) as tf.Tensor;
        const dy = tf.tensor(randomValues(y.size, 7 * i + 1), y.shape);
        return [tf.engine().runKernel('MaxPool3DGrad', { dy, input: x }, attrs) as tf.Tensor, dy];
      });
      assertClose(grad, maxPool3dGradReference(xs, dys, c), 1e-6, `MaxPool3DGrad filter ${c.filterSize} strides ${c.strides} ${c.pad} ${kind}`);
    }
  }
});

for (const kernel of ['MaxPool3D', 'AvgPool3D'] as const) {
  test(`${kernel} and ${kernel}Grad on wasm match the cpu backend, all-negative windows included`, async () => {
    // tfjs-backend-cpu 4.22's MaxPool3DGrad decodes window positions with the filter height in
    // place of its width, so its gradient is only right for filters with height == width.
    for (const [i, c] of poolCases.entries()) {
      if (kernel === 'MaxPool3D' && c.filterSize[1] !== c.filterSize[2]) continue;
      for (const [kind, xs] of poolInputs(tf.util.sizeFromShape(c.x), 100 + 3 * i)) {
        const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad, dataFormat: 'NDHWC' };
        await assertSameOnBackends(
          () => {
            const x = tf.tensor(xs, c.x);
            const y = tf.engine().runKernel(kernel, { x }, attrs) as tf.Tensor;
            const dy = tf.tensor(randomValues(y.size, 7 * i + 1), y.shape);
            const grad = tf.engine().runKernel(`${kernel}Grad`, { dy, input: x }, attrs) as tf.Tensor;
            return [y, grad];
          },
          1e-4,
          `${kernel} x ${c.x} filter ${c.filterSize} strides ${c.strides} ${c.pad} ${kind}`,
        );
      }
    }
  });
}

test('MaxPool3DGrad routes an all-negative window to its maximum', async () => {
  const [y, dx] = await onBackend('wasm', () =>
    tf.tidy(() => {
      const x = tf.tensor([-3, -1, -4, -2, -6, -5, -7, -8], [1, 2, 2, 2, 1]);
      const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
      const out = tf.engine().runKernel('MaxPool3D', { x }, attrs) as tf.Tensor;
      const grad = tf.engine().runKernel('MaxPool3DGrad', { dy: tf.tensor([5], [1, 1, 1, 1, 1]), input: x }, attrs) as tf.Tensor;
      return [Array.from(out.dataSync()), Array.from(grad.dataSync())];
    }),
  );
  assert.deepEqual(y, [-1]);
  assert.deepEqual(dx, [0, 5, 0, 0, 0, 0, 0, 0]);
});

test('MaxPool3DGrad gives a tie to the first maximum in (depth, row, column) order, as PyTorch does', async () => {
  const dx = await onBackend('wasm', () =>
    tf.tidy(() => {
      // Two windows of 2x2x2 along the width: the first all zeros, the second with 1 at two places.
      const x = tf.tensor([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], [1, 2, 2, 4, 1]);
      const dy = tf.tensor([5, 7], [1, 1, 1, 2, 1]);
      return Array.from((tf.engine().runKernel('MaxPool3DGrad', { dy, input: x }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor).dataSync());
    }),
  );
  assert.deepEqual(dx, [5, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});
