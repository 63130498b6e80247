import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Tensor, Weights } from '../../core/tensors.js';
import { checkUpdates } from './check-updates.js';
import { participants } from './coordinatewise.js';
import type { Aggregator, WeightedUpdate } from './types.js';
import { weightedMean } from './weighted-mean.js';

export interface KrumOptions {
  /** Number of Byzantine updates to tolerate (integer ≥ 0). */
  readonly f: number;
  /** Updates averaged: 1 is Krum; more is Multi-Krum; left out, n − f (El Mhamdi et al. 2018). */
  readonly m?: number;
}

export interface KrumSelection {
  /** Score of each update (input order): sum of squared L2 distances to its n − f − 2 nearest others. */
  readonly scores: number[];
  /** Indices of the chosen updates, best score first (ties broken by content, so order never matters). */
  readonly selected: number[];
}

/**
 * Krum and Multi-Krum (Blanchard et al. 2017, "Machine Learning with Adversaries: Byzantine
 * Tolerant Gradient Descent"): score every update by the sum of squared distances to its
 * n − f − 2 nearest neighbours, keep the m best and return their weighted mean (m = 1: the single
 * best update). Scores ignore the weights, which a Byzantine site can inflate. Updates with
 * weight 0 take no part. Needs n > 2f + 2 updates when f ≥ 1; with f = 0 any n ≥ 1 works
 * (n ≤ 2: every score is 0 and the content tie-break picks).
 */
export function krum(options: KrumOptions): Aggregator {
  const label = options.m === 1 ? 'krum' : 'multi-krum';
  checkKrumOptions(label, options);
  return (updates: readonly WeightedUpdate[]): Map<string, Tensor> => {
    checkUpdates(updates, label);
    const taking = participants(updates);
    const { selected } = krumSelect(taking, options, label);
    return weightedMean(selected.map((i) => taking[i]));
  };
}

/** Scores and the chosen indices (into `updates`, which must be checked, all taking part). */
export function krumSelect(updates: readonly WeightedUpdate[], options: KrumOptions, label = 'krum'): KrumSelection {
  const n = updates.length;
  const m = options.m ?? n - options.f;
  checkKrumQuorum(label, n, options.f, m, 'updates');
  const d = pairwiseSquaredDistances(updates.map((u) => u.weights));
  const neighbours = Math.max(0, n - options.f - 2);
  const scores = d.map((row, i) => {
    const others = row.filter((_, j) => j !== i).sort((a, b) => a - b);
    return others.slice(0, neighbours).reduce((a, b) => a + b, 0);
  });
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || compareContent(updates[a].weights, updates[b].weights));
  return { scores, selected: order.slice(0, m) };
}

/** CONFIG_INVALID unless f is an integer ≥ 0 and m (if given) an integer ≥ 1. */
export function checkKrumOptions(label: string, options: KrumOptions): void {
  if (!Number.isInteger(options.f) || options.f < 0) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${label}: f = ${options.f}; it must be an integer >= 0`, { where: 'options.f' });
  }
  if (options.m !== undefined && (!Number.isInteger(options.m) || options.m < 1)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${label}: m = ${options.m}; it must be an integer >= 1`, { where: 'options.m' });
  }
}

/** QUORUM_NOT_MET unless n > 2f + 2 (when f ≥ 1) and 1 ≤ m ≤ n − f; `what` names the counted things. */
export function checkKrumQuorum(label: string, n: number, f: number, m: number, what: string): void {
  if (f >= 1 && n <= 2 * f + 2) {
    throw new MedfedError(
      ErrorCodes.QUORUM_NOT_MET,
      `${label}: ${n} ${what} cannot tolerate f = ${f} Byzantine ones; Krum needs n > 2f + 2 = ${2 * f + 2}`,
      { hint: `lower f to at most ${Math.max(0, Math.floor((n - 3) / 2))} or raise the round quorum to at least ${2 * f + 3}` },
    );
  }
  if (m > n - f) {
    throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `${label}: m = ${m} exceeds n − f = ${n} − ${f} = ${n - f} ${what}`, {
      hint: 'lower m, lower f or raise the round quorum',
    });
  }
}

/** Squared L2 distances between every pair of updates over all tensors, in float64. */
export function pairwiseSquaredDistances(ws: readonly Weights[]): number[][] {
  const n = ws.length;
  const d = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let s = 0;
      for (const [name, t] of ws[a]) {
        const x = t.data;
        const y = ws[b].get(name)!.data;
        for (let i = 0; i < x.length; i++) {
          const diff = x[i] - y[i];
          s += diff * diff;
        }
      }
      d[a][b] = s;
      d[b][a] = s;
    }
  }
  return d;
}

/** Lexicographic order of the values (tensor by tensor): a tie-break that does not depend on input order. */
function compareContent(a: Weights, b: Weights): number {
  for (const [name, t] of a) {
    const u = b.get(name)!.data;
    for (let i = 0; i < t.data.length; i++) if (t.data[i] !== u[i]) return t.data[i] - u[i];
  }
  return 0;
}
