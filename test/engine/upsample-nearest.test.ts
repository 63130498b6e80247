import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { upsampleNearest, upsampleNearestGrad } from '../../src/engine/tfjs/upsample-nearest.js';
import { assertClose, valuesOn, randomValues } from './kernels/backend-compare.js';

/** Brute force: out[n, ...o, c] = x[n, ...floor(o / f), c] (PyTorch's nearest rule). */
function bruteForce(x: Float32Array, shape: number[], factors: number[]): Float32Array {
  const spatial = shape.slice(1, -1);
  const outSpatial = spatial.map((d, a) => d * factors[a]);
  const c = shape[shape.length - 1];
  const per = outSpatial.reduce((p, q) => p * q, 1);
  const out = new Float32Array(shape[0] * per * c);
  for (let n = 0; n < shape[0]; n++) {
    for (let p = 0; p < per; p++) {
      let rest = p;
      let src = 0;
      const idx = outSpatial.map(() => 0);
      for (let a = outSpatial.length - 1; a >= 0; a--) {
        idx[a] = rest % outSpatial[a];
        rest = Math.floor(rest / outSpatial[a]);
      }
      for (let a = 0; a < spatial.length; a++) src = src * spatial[a] + Math.floor(idx[a] / factors[a]);
      for (let k = 0; k < c; k++) out[(n * per + p) * c + k] = x[((n * spatial.reduce((u, v) => u * v, 1)) + src) * c + k];
    }
  }
  return out;
}

const cases: [number[], number[]][] = [
  [[2, 5, 3], [2]],
  [[2, 3, 4, 2], [2, 3]],
  [[1, 2, 3, 4, 3], [2, 2, 2]],
  [[2, 3, 2, 2, 1], [1, 3, 2]],
];

test('upsampleNearest repeats every value f times per axis (1d, 2d, 3d), as PyTorch nearest does', () => {
  for (const [shape, factors] of cases) {
    const x = randomValues(shape.reduce((p, q) => p * q, 1), 3);
    assertClose(upsampleNearest(x, shape, factors), bruteForce(x, shape, factors), 0, `shape ${shape} factors ${factors}`);
  }
  // A concrete 1d example: [1, 2] on 1 channel, factor 3.
  assert.deepEqual(Array.from(upsampleNearest(Float32Array.from([1, 2]), [1, 2, 1], [3])), [1, 1, 1, 2, 2, 2]);
});

test('upsampleNearest in 2d equals TF.js resizeNearestNeighbor on the cpu backend', async () => {
  const shape = [2, 3, 5, 2];
  const x = randomValues(30 * 2, 9);
  const [expected] = await valuesOn('cpu', () => tf.image.resizeNearestNeighbor(tf.tensor4d(x, shape as [number, number, number, number]), [6, 10]));
  assertClose(upsampleNearest(x, shape, [2, 2]), expected, 0, 'resizeNearestNeighbor');
});

test('upsampleNearestGrad is the adjoint: <up(x), g> = <x, grad(g)>, and sums each block', () => {
  for (const [shape, factors] of cases) {
    const size = shape.reduce((p, q) => p * q, 1);
    const x = randomValues(size, 4);
    const g = randomValues(size * factors.reduce((p, q) => p * q, 1), 5);
    const up = upsampleNearest(x, shape, factors);
    const back = upsampleNearestGrad(g, shape, factors);
    assert.equal(back.length, size);
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < up.length; i++) lhs += up[i] * g[i];
    for (let i = 0; i < size; i++) rhs += x[i] * back[i];
    assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `shape ${shape}: ${lhs} vs ${rhs}`);
  }
  assert.deepEqual(Array.from(upsampleNearestGrad(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 1], [3])), [6, 15]);
});
