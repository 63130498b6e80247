import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError, type ErrorCode } from '../../../src/core/errors.js';
import { krum, krumSelect, pairwiseSquaredDistances } from '../../../src/strategies/aggregators/krum.js';
import { plain, tensors } from '../fixtures.js';

const points = (values: number[], weights = values.map(() => 1)) => values.map((v, i) => ({ weights: tensors({ w: [[1], [v]] }), weight: weights[i] }));

function rejects(fn: () => unknown, code: ErrorCode, mention: string): void {
  assert.throws(fn, (e: unknown) => e instanceof MedfedError && e.code === code && e.message.includes(mention));
}

// Points 0, 1, 2, 10, 11 with f = 1: each score sums the n − f − 2 = 2 smallest squared distances.
// 0: {1, 4, 100, 121} → 5;  1: {1, 1, 81, 100} → 2;  2: {4, 1, 64, 81} → 5;  10: {100, 81, 64, 1} → 65;  11: {121, 100, 81, 1} → 82
test('Krum scores by hand and picks the best-scored update', () => {
  const u = points([0, 1, 2, 10, 11]);
  assert.deepEqual(krumSelect(u, { f: 1, m: 1 }).scores, [5, 2, 5, 65, 82]);
  assert.deepEqual(plain(krum({ f: 1, m: 1 })(u)), { w: [1] });
});

test('Multi-Krum averages the m best (ties broken by content), with the updates\' weights', () => {
  const u = points([10, 2, 1, 11, 0]);
  assert.deepEqual(krumSelect(u, { f: 1, m: 3 }).selected, [2, 4, 1]); // 1 (score 2), then 0 and 2 (score 5)
  assert.deepEqual(plain(krum({ f: 1, m: 3 })(u)), { w: [1] });
  // weights: 10 (1), 2 (2), 1 (1), 11 (1), 0 (1) → (2·2 + 1 + 0) / 4
  assert.deepEqual(plain(krum({ f: 1, m: 3 })(points([10, 2, 1, 11, 0], [1, 2, 1, 1, 1]))), { w: [1.25] });
  // default m = n − f = 4: drops only the worst (11)
  assert.deepEqual(plain(krum({ f: 1 })(u)), { w: [13 / 4] });
});

test('pairwise squared distances span all tensors', () => {
  const a = tensors({ x: [[2], [1, 2]], y: [[1], [0]] });
  const b = tensors({ x: [[2], [4, 6]], y: [[1], [-12]] });
  assert.deepEqual(pairwiseSquaredDistances([a, b]), [[0, 9 + 16 + 144], [9 + 16 + 144, 0]]);
});

test('ties do not depend on the order of the updates', () => {
  assert.deepEqual(plain(krum({ f: 0, m: 1 })(points([2, 0]))), { w: [0] });
  assert.deepEqual(plain(krum({ f: 0, m: 1 })(points([0, 2]))), { w: [0] });
});

test('Krum needs n > 2f + 2 updates and m ≤ n − f: QUORUM_NOT_MET naming the numbers', () => {
  rejects(() => krum({ f: 1, m: 1 })(points([0, 1, 2, 3])), ErrorCodes.QUORUM_NOT_MET, '4 updates cannot tolerate f = 1 Byzantine ones; Krum needs n > 2f + 2 = 4');
  rejects(() => krum({ f: 2, m: 1 })(points([0, 1, 2, 3, 4, 5])), ErrorCodes.QUORUM_NOT_MET, 'n > 2f + 2 = 6');
  rejects(() => krum({ f: 1, m: 5 })(points([0, 1, 2, 3, 4])), ErrorCodes.QUORUM_NOT_MET, 'm = 5 exceeds n − f = 5 − 1 = 4');
  assert.deepEqual(plain(krum({ f: 2, m: 1 })(points([0, 1, 2, 3, 4, 50, 60]))).w.length, 1);
});

test('invalid f or m is CONFIG_INVALID', () => {
  rejects(() => krum({ f: -1 }), ErrorCodes.CONFIG_INVALID, 'f = -1');
  rejects(() => krum({ f: 1.5 }), ErrorCodes.CONFIG_INVALID, 'f = 1.5');
  rejects(() => krum({ f: 1, m: 0 }), ErrorCodes.CONFIG_INVALID, 'm = 0');
});
