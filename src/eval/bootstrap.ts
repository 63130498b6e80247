import { ErrorCodes, MedfedError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { quantileSorted } from './quantile.js';

export interface BootstrapOptions {
  /** Seeds the resampling (core/random Rng): the same seed gives the same interval. */
  readonly seed: number;
  /** Number of bootstrap resamples (default 1000). */
  readonly resamples?: number;
  /** Coverage of the interval (default 0.95). */
  readonly level?: number;
  /**
   * Resample within each stratum (e.g. the labels), keeping the stratum sizes fixed, so every
   * resample keeps both classes and AUROC stays defined. Default: plain resampling of all rows.
   */
  readonly strata?: ArrayLike<number>;
}

export interface BootstrapInterval {
  /** The statistic on the full sample; null when it is undefined there. */
  readonly estimate: number | null;
  /** Percentile interval; null when no resample gave a defined value. */
  readonly lower: number | null;
  readonly upper: number | null;
  readonly level: number;
  readonly resamples: number;
  /** Resamples whose statistic was defined (the others, e.g. single-class ones for AUROC, are left out). */
  readonly usedResamples: number;
}

/** Groups of row indices, one per distinct stratum value (or one group of all rows). */
function strataGroups(n: number, strata: ArrayLike<number> | undefined): Int32Array[] {
  if (!strata) return [Int32Array.from({ length: n }, (_, i) => i)];
  const byValue = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const group = byValue.get(strata[i]) ?? [];
    group.push(i);
    byValue.set(strata[i], group);
  }
  return [...byValue.keys()].sort((a, b) => a - b).map((k) => Int32Array.from(byValue.get(k) ?? []));
}

/**
 * Percentile bootstrap interval of any statistic of n rows. `statistic` gets the row indices of
 * one sample (with repetition) and returns the value, or null where it is undefined.
 */
export function bootstrapInterval(
  n: number,
  statistic: (indices: Int32Array) => number | null,
  options: BootstrapOptions,
): BootstrapInterval {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `bootstrap resamples must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `bootstrap level must be in (0, 1), got ${level}`);
  }
  if (n < 1) throw new MedfedError(ErrorCodes.DATA_INVALID, 'cannot bootstrap a statistic of zero rows');
  if (options.strata && options.strata.length !== n) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `bootstrap strata has ${options.strata.length} values for ${n} rows`);
  }
  const groups = strataGroups(n, options.strata);
  const rng = new Rng(options.seed);
  const values: number[] = [];
  const sample = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    let k = 0;
    for (const group of groups) {
      for (let i = 0; i < group.length; i++) sample[k++] = group[rng.int(group.length)];
    }
    const v = statistic(sample);
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const alpha = (1 - level) / 2;
  const defined = values.length > 0;
  return {
    estimate: statistic(all),
    lower: defined ? quantileSorted(values, alpha) : null,
    upper: defined ? quantileSorted(values, 1 - alpha) : null,
    level,
    resamples,
    usedResamples: values.length,
  };
}
