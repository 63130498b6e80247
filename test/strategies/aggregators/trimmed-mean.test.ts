import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { trimCount, trimmedMean } from '../../../src/strategies/aggregators/trimmed-mean.js';
import { weightedMean } from '../../../src/strategies/aggregators/weighted-mean.js';
import { plain, tensors } from '../fixtures.js';

const updates = (values: number[], weights = values.map(() => 1)) => values.map((v, i) => ({ weights: tensors({ w: [[1], [v]] }), weight: weights[i] }));

test('trimmed mean drops ⌊β·n⌋ values at each end and averages the rest', () => {
  // n = 5, β = 0.2: k = 1, mean of {2, 3, 4}
  assert.deepEqual(plain(trimmedMean({ beta: 0.2 })(updates([100, 1, 3, 2, 4]))), { w: [3] });
  // n = 8, β = 0.25: k = 2, mean of {2, 3, 4, 5}
  assert.deepEqual(plain(trimmedMean({ beta: 0.25 })(updates([-50, 1, 2, 3, 4, 5, 6, 70]))), { w: [3.5] });
  // n = 5, β = 0.1: k = 0, the plain mean
  assert.deepEqual(plain(trimmedMean({ beta: 0.1 })(updates([1, 2, 3, 4, 10]))), { w: [4] });
});

test('trimmed mean: the survivors are averaged with their weights', () => {
  // survivors 2 (w3), 3 (w1), 4 (w1) → (6 + 3 + 4) / 5
  assert.deepEqual(plain(trimmedMean({ beta: 0.2 })(updates([1, 2, 3, 4, 100], [9, 3, 1, 1, 9]))), { w: [Math.fround(13 / 5)] });
});

test('β = 0 is the weighted mean', () => {
  const u = [
    { weights: tensors({ a: [[2], [1.5, -2]], b: [[1], [7]] }), weight: 2 },
    { weights: tensors({ a: [[2], [4, 8]], b: [[1], [-1]] }), weight: 5 },
  ];
  assert.deepEqual(plain(trimmedMean({ beta: 0 })(u)), plain(weightedMean(u)));
});

test('trim counts: ⌊β·n⌋ despite floating point, always leaving one value', () => {
  assert.equal(trimCount(0.29, 100), 29); // 0.29 * 100 = 28.999999999999996 in float64
  assert.equal(trimCount(0.1, 9), 0);
  assert.equal(trimCount(0.49, 3), 1);
  assert.equal(trimCount(0.4999999999999, 2), 0);
});

test('β outside [0, 0.5) is CONFIG_INVALID', () => {
  for (const beta of [-0.1, 0.5, Number.NaN]) {
    assert.throws(() => trimmedMean({ beta }), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && e.message.includes('[0, 0.5)'));
  }
});
