import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFilter } from '../../../src/privacy/filters/registry.js';
import { percentileOfSorted } from '../../../src/privacy/filters/percentile.js';
import { sentDelta, updateWithDelta } from './fixtures.js';

// |delta| over both tensors: 1 … 10 in a scrambled order, with signs
const global = { a: [0, 0, 0, 0, 0, 0], b: [5, 5, 5, 5] };
const delta = { a: [3, -9, 1, 6, -2, 10], b: [-7, 4, 8, -5] };
const update = updateWithDelta(global, delta);

test('top-k keeps the ⌈fraction·N⌉ largest |delta| across all tensors', () => {
  const { weights, record } = createFilter('top-k', { fraction: 0.3 }).apply(update, {});
  // k = 3: |10|, |-9|, |8|
  assert.deepEqual(sentDelta(weights, update.global), { a: [0, -9, 0, 0, 0, 10], b: [0, 0, 8, 0] });
  assert.deepEqual(record, { filter: 'top-k', options: { fraction: 0.3 }, effect: { kept: 3, total: 10, keptFraction: 0.3, threshold: 8 } });
  // k = ⌈0.25 · 10⌉ = 3 as well; fraction 1 keeps everything
  assert.deepEqual(sentDelta(createFilter('top-k', { fraction: 0.25 }).apply(update, {}).weights, update.global), { a: [0, -9, 0, 0, 0, 10], b: [0, 0, 8, 0] });
  assert.deepEqual(sentDelta(createFilter('top-k', { fraction: 1 }).apply(update, {}).weights, update.global), delta);
});

test('top-k ties at the threshold: earlier tensors and indices first, exactly k kept', () => {
  const tied = updateWithDelta({ a: [0, 0, 0], b: [0, 0] }, { a: [1, -2, 2], b: [2, 0.5] });
  // k = ⌈0.4 · 5⌉ = 2 of the three |2|: a[1] and a[2]
  assert.deepEqual(sentDelta(createFilter('top-k', { fraction: 0.4 }).apply(tied, {}).weights, tied.global), { a: [0, -2, 2], b: [0, 0] });
});

test('percentile drops |delta| below the p-th percentile (linear interpolation)', () => {
  // sorted |delta| 1 … 10; p = 50 at position 4.5 → 5.5: keep 6 … 10
  const { weights, record } = createFilter('percentile', { percentile: 50 }).apply(update, {});
  assert.deepEqual(sentDelta(weights, update.global), { a: [0, -9, 0, 6, 0, 10], b: [-7, 0, 8, 0] });
  assert.deepEqual(record, { filter: 'percentile', options: { percentile: 50 }, effect: { threshold: 5.5, kept: 5, total: 10, keptFraction: 0.5 } });
  // p = 0: threshold = the smallest, everything kept; p = 90 at position 8.1 → 9.1: keep 10 only
  assert.deepEqual(sentDelta(createFilter('percentile', { percentile: 0 }).apply(update, {}).weights, update.global), delta);
  assert.deepEqual(sentDelta(createFilter('percentile', { percentile: 90 }).apply(update, {}).weights, update.global), { a: [0, 0, 0, 0, 0, 10], b: [0, 0, 0, 0] });
});

test('percentileOfSorted matches numpy.percentile (linear)', () => {
  // numpy.percentile([1, 2, 4, 8], [0, 25, 40, 100]) = [1, 1.75, 2.4, 8]
  const v = Float64Array.from([1, 2, 4, 8]);
  [1, 1.75, 2.4, 8].forEach((want, i) => assert.ok(Math.abs(percentileOfSorted(v, [0, 25, 40, 100][i]) - want) < 1e-12));
});

test('kept values are the trained float32 values exactly, dropped ones the global values', () => {
  const odd = { weights: new Map([['w', { shape: [3], data: Float32Array.from([0.1, 0.2, 0.3]) }]]), global: new Map([['w', { shape: [3], data: Float32Array.from([0.7, 0.05, 1e-3]) }]]), numExamples: 1 };
  const out = createFilter('top-k', { fraction: 0.5 }).apply(odd, {}).weights.get('w')!.data;
  // |delta| ≈ 0.6, 0.15, 0.299: k = 2 keeps indices 0 and 2
  assert.deepEqual(Array.from(out), [odd.weights.get('w')!.data[0], odd.global.get('w')!.data[1], odd.weights.get('w')!.data[2]]);
});
