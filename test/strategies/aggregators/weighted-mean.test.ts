import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/core/errors.js';
import { getAggregator } from '../../../src/strategies/aggregators/registry.js';
import { weightedMean } from '../../../src/strategies/aggregators/weighted-mean.js';
import { plain, tensors } from '../fixtures.js';

test('weightedMean: Σ w_i·x_i / Σ w_i per element', () => {
  const a = tensors({ w: [[2, 2], [1, 2, 3, 4]], b: [[1], [10]] });
  const b = tensors({ w: [[2, 2], [5, 6, 7, -8]], b: [[1], [-2]] });
  // (1·a + 3·b) / 4
  assert.deepEqual(plain(weightedMean([{ weights: a, weight: 1 }, { weights: b, weight: 3 }])), {
    w: [4, 5, 6, -5],
    b: [1],
  });
});

test('weightedMean: updates with weight 0 take no part', () => {
  const a = tensors({ w: [[2], [1, 2]] });
  const b = tensors({ w: [[2], [100, -100]] });
  assert.deepEqual(plain(weightedMean([{ weights: a, weight: 2 }, { weights: b, weight: 0 }])), { w: [1, 2] });
});

test('weightedMean accumulates in float64: large and small values do not lose the small ones', () => {
  const big = tensors({ w: [[1], [16777216]] }); // 2^24: float32 cannot add 1 to it
  const small = tensors({ w: [[1], [1]] });
  const updates = [{ weights: big, weight: 1 }, ...Array.from({ length: 4 }, () => ({ weights: small, weight: 1 }))];
  assert.deepEqual(plain(weightedMean(updates)), { w: [Math.fround((16777216 + 4) / 5)] });
});

test('the aggregator registry finds weighted-mean and lists the names on a miss', () => {
  assert.equal(getAggregator('weighted-mean'), weightedMean);
  assert.throws(() => getAggregator('no-such-rule', 'aggregator'), (e: Error & { code?: string }) => e.code === ErrorCodes.UNKNOWN_NAME && e.message.includes('weighted-mean'));
});
