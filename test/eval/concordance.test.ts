import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { concordanceCounts, concordanceIndex } from '../../src/eval/concordance.js';
import { survivalMetrics } from '../../src/eval/survival-metrics.js';

/**
 * Brute force over all pairs, following lifelines' _naive_concordance_summary_statistics with
 * predicted survival = -risk: a pair is comparable when times differ and the earlier one is an
 * event, or times tie and exactly one is an event (the censored one outlived the event).
 */
function cIndexByPairs(risk: ArrayLike<number>, y: ArrayLike<number>): { correct: number; tied: number; pairs: number } {
  let correct = 0;
  let tied = 0;
  let pairs = 0;
  for (let a = 0; a < y.length; a++) {
    for (let b = a + 1; b < y.length; b++) {
      const [ta, tb, ea, eb] = [Math.abs(y[a]), Math.abs(y[b]), y[a] > 0, y[b] > 0];
      const valid = ta === tb ? ea !== eb : (ea && ta < tb) || (eb && tb < ta);
      if (!valid) continue;
      pairs++;
      const [pa, pb] = [-risk[a], -risk[b]];
      if (pa === pb) tied++;
      else if (pa < pb) correct += ta < tb || (ta === tb && ea && !eb) ? 1 : 0;
      else correct += ta > tb || (ta === tb && !ea && eb) ? 1 : 0;
    }
  }
  return { correct, tied, pairs };
}

test('C-index: perfect, reversed and constant risk scores (lifelines identities)', () => {
  const y = [5, 1, -3, 8, 2, -9, 4];
  const time = y.map(Math.abs);
  assert.equal(concordanceIndex(time.map((t) => -t), y), 1);
  assert.equal(concordanceIndex(time, y), 0);
  assert.equal(concordanceIndex(y.map(() => 0.3), y), 0.5);
});

test('C-index: a hand-counted example with tied times and tied risks', () => {
  // rows: time 1 event, 1 event, 1 censored, 2 event, 3 censored; risk 3, 2, 2, 2, 1
  const y = [1, 1, -1, 2, -3];
  const risk = [3, 2, 2, 2, 1];
  // Comparable pairs: (0,2) (1,2): event vs censored at the same time; (0,3) (1,3) (0,4) (1,4) (3,4).
  // Not comparable: (0,1) two events at t = 1; (2,3) (2,4): the censored row is earlier.
  // Concordant (earlier failure riskier): (0,2) 3>2, (0,3) 3>2, (0,4), (1,4), (3,4); tied: (1,2), (1,3).
  assert.deepEqual(concordanceCounts(risk, y), { concordant: 5, tiedRisk: 2, comparable: 7 });
  assert.equal(concordanceIndex(risk, y), 6 / 7);
});

test('C-index equals the brute-force pair count on random data with many ties', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rng = new Rng(seed);
    const n = 150;
    const y = Array.from({ length: n }, () => (1 + rng.int(12)) * (rng.uniform() < 0.35 ? -1 : 1));
    const risk = Array.from({ length: n }, () => rng.int(6) / 2); // heavy ties in risk too
    const fast = concordanceCounts(risk, y);
    const slow = cIndexByPairs(risk, y);
    assert.deepEqual([fast.concordant, fast.tiedRisk, fast.comparable], [slow.correct, slow.tied, slow.pairs], `seed ${seed}`);
  }
});

test('C-index: undefined without comparable pairs; bad inputs are typed errors', () => {
  assert.equal(concordanceIndex([1, 2, 3], [-1, -2, -3]), null);
  assert.equal(concordanceIndex([1, 2], [4, 4]), null);
  const m = survivalMetrics([1, 2, 3], [-1, -2, -3]);
  assert.equal(m.cIndex, null);
  assert.match(m.undefinedReasons.cIndex ?? '', /no event/);
  assert.deepEqual({ ...survivalMetrics([2, 1], [1, 2]), undefinedReasons: {} }, { task: 'survival', n: 2, events: 2, cIndex: 1, comparablePairs: 1, undefinedReasons: {} });
  const code = (c: string) => (e: unknown) => e instanceof MedfedError && e.code === c;
  assert.throws(() => concordanceIndex([1, 2], [1, 0]), code(ErrorCodes.DATA_INVALID));
  assert.throws(() => concordanceIndex([1, NaN], [1, 2]), code(ErrorCodes.DATA_INVALID));
  assert.throws(() => concordanceIndex([1], [1, 2]), code(ErrorCodes.SHAPE_MISMATCH));
});
