import { ErrorCodes, MedfedError } from '../core/errors.js';
import { decodeSurvival } from './survival-labels.js';

/** The pair counts behind a C-index. */
export interface ConcordanceCounts {
  /** Comparable pairs where the earlier failure has the higher risk score. */
  readonly concordant: number;
  /** Comparable pairs with equal risk scores (each counts 1/2). */
  readonly tiedRisk: number;
  readonly comparable: number;
}

/**
 * Harrell's C-index of risk scores (higher = earlier failure, e.g. a Cox model's eta) against
 * survival labels y (+time event, -time censored; docs/survival.md). A pair is comparable when
 * the row with the shorter time had an event; a censored row tied in time with an event counts as
 * having outlived it; two events at the same time, and pairs of censored rows, are not comparable.
 * Concordant: the earlier failure has the higher risk; tied risk scores count 1/2. This is exactly
 * lifelines' `concordance_index(T, -risk, E)`. Null when no pair is comparable (no event, or only
 * events tied at the last time). O(n log n).
 */
export function concordanceIndex(risk: ArrayLike<number>, y: ArrayLike<number>, where = 'C-index'): number | null {
  const c = concordanceCounts(risk, y, where);
  return c.comparable === 0 ? null : (c.concordant + c.tiedRisk / 2) / c.comparable;
}

export function concordanceCounts(risk: ArrayLike<number>, y: ArrayLike<number>, where = 'C-index'): ConcordanceCounts {
  if (risk.length !== y.length) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${risk.length} risk scores for ${y.length} survival labels`, { where });
  }
  const { time, event } = decodeSurvival(y, where);
  const n = y.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(risk[i])) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `risk score ${i} is ${risk[i]}`, { where, hint: 'the model diverged: lower the learning rate' });
    }
  }
  // Dense ranks of the risk scores (1-based) for a Fenwick tree of counts.
  const distinct = [...new Set(Array.from(risk))].sort((a, b) => a - b);
  const rankOf = new Map(distinct.map((v, i) => [v, i + 1]));
  const tree = new Float64Array(distinct.length + 1);
  let pool = 0;
  const add = (r: number) => {
    for (let i = r; i < tree.length; i += i & -i) tree[i]++;
    pool++;
  };
  const atMost = (r: number) => {
    let s = 0;
    for (let i = r; i > 0; i -= i & -i) s += tree[i];
    return s;
  };
  // The pool holds the risk scores of the events seen so far (strictly earlier times). Each row
  // is compared with the pool: pairs (earlier event e, this row j), concordant when risk_e > risk_j.
  const compare = (j: number) => {
    const r = rankOf.get(risk[j])!;
    const le = atMost(r);
    const eq = le - atMost(r - 1);
    concordant += pool - le;
    tiedRisk += eq;
    comparable += pool;
  };
  let concordant = 0;
  let tiedRisk = 0;
  let comparable = 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b]);
  for (let g = 0; g < n; ) {
    let end = g;
    while (end < n && time[order[end]] === time[order[g]]) end++;
    const group = order.slice(g, end);
    // Events at t against earlier events; then they join the pool; then censored rows at t
    // against every event up to and including t.
    for (const j of group) if (event[j]) compare(j);
    for (const j of group) if (event[j]) add(rankOf.get(risk[j])!);
    for (const j of group) if (!event[j]) compare(j);
    g = end;
  }
  return { concordant, tiedRisk, comparable };
}
