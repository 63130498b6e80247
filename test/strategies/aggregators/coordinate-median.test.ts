import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coordinateMedian, weightedMedianOfSorted } from '../../../src/strategies/aggregators/coordinate-median.js';
import { getAggregator } from '../../../src/strategies/aggregators/registry.js';
import { plain, tensors } from '../fixtures.js';

const one = (values: number[]) => tensors({ w: [[values.length], values] });
const updates = (columns: number[][], weights: number[]) => columns.map((values, i) => ({ weights: one(values), weight: weights[i] }));

test('median: the middle value per coordinate (odd count), each coordinate on its own', () => {
  // coordinate 0: {3, 1, 2} → 2; coordinate 1: {-5, 100, 7} → 7
  assert.deepEqual(plain(coordinateMedian(updates([[3, -5], [1, 100], [2, 7]], [1, 1, 1]))), { w: [2, 7] });
});

test('median: the mean of the two middle values (even count)', () => {
  assert.deepEqual(plain(coordinateMedian(updates([[4], [1], [3], [2]], [1, 1, 1, 1]))), { w: [2.5] });
});

test('weighted median: where the cumulative weight passes half the total', () => {
  // sorted 1 (w1), 2 (w1), 10 (w3): total 5, cumulative 1, 2, 5 → passes 2.5 at 10
  assert.deepEqual(plain(coordinateMedian(updates([[10], [1], [2]], [3, 1, 1]))), { w: [10] });
  // sorted 1 (w1), 2 (w1), 10 (w2): total 4, cumulative reaches exactly 2 at 2 → (2 + 10) / 2
  assert.deepEqual(plain(coordinateMedian(updates([[10], [1], [2]], [2, 1, 1]))), { w: [6] });
});

test('median: updates with weight 0 take no part', () => {
  assert.deepEqual(plain(coordinateMedian(updates([[1], [2], [3], [1000]], [1, 1, 1, 0]))), { w: [2] });
});

test('weightedMedianOfSorted on sorted arrays, brute-force checked against the definition', () => {
  for (let n = 1; n <= 9; n++) {
    const values = Float64Array.from({ length: n }, (_, i) => i * i - 3 * i);
    const sorted = Float64Array.from(values).sort();
    const weights = new Float64Array(n).fill(1);
    const expected = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    assert.equal(weightedMedianOfSorted(sorted, weights), expected, `n = ${n}`);
  }
});

test('the aggregator registry finds median', () => {
  assert.equal(getAggregator('median'), coordinateMedian);
});
