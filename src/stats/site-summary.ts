import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { Table } from '../data/table.js';
import { checkBinEdges, histogramCounts } from './histogram.js';
import type { FeatureSummary, SiteStatistics } from './types.js';

export interface SiteStatisticsOptions {
  /** Minimum number of records a released statistic may rest on (the request's k). */
  readonly k: number;
  /** The site's own floor for k; the larger of the two applies. */
  readonly siteMinK?: number;
  /** Histogram bin edges per feature (second pass). */
  readonly binEdges?: Readonly<Record<string, readonly number[]>>;
  /** Site id, for the withheld reasons. */
  readonly siteId?: string;
}

/** Features summarised by default: numeric, integer and binary columns (categorical are not). */
export function summarisableFeatures(t: Table): string[] {
  return t.features.filter((f) => f.spec.type !== 'categorical').map((f) => f.spec.name);
}

/**
 * Runs AT THE SITE: per feature, count, missing, sum, sum of squares, min, max, mean, m2 and
 * (given edges) a histogram, in raw units. A feature with fewer than k non-missing values is
 * withheld entirely; the reply names it with a PRIVACY_THRESHOLD reason. No row leaves.
 */
export function computeSiteStatistics(t: Table, options: SiteStatisticsOptions): SiteStatistics {
  const k = Math.max(options.k, options.siteMinK ?? 0);
  if (!Number.isInteger(k) || k < 1) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `k must be a positive integer, got ${k}`, { where: 'stats.k' });
  }
  const features: Record<string, FeatureSummary> = {};
  const withheld: Record<string, string> = {};
  const names = summarisableFeatures(t);
  for (const name of Object.keys(options.binEdges ?? {})) {
    if (!names.includes(name)) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `bin edges were sent for "${name}", which is not a summarised feature here`, {
        where: `stats.binEdges.${name}`,
        hint: `summarised features: ${names.join(', ')}`,
      });
    }
  }
  for (const f of t.features) {
    const name = f.spec.name;
    if (!names.includes(name)) continue;
    const summary = summarise(f.values);
    if (summary.count < k) {
      const e = new MedfedError(
        ErrorCodes.PRIVACY_THRESHOLD,
        `"${name}" has ${summary.count} non-missing records, fewer than k = ${k}; its statistics are withheld`,
        { where: `${options.siteId ?? 'site'}.${name}` },
      );
      withheld[name] = e.describe();
      continue;
    }
    const edges = options.binEdges?.[name];
    if (edges) {
      checkBinEdges(edges, `stats.binEdges.${name}`);
      const h = histogramCounts(f.values, edges);
      summary.histogram = h.counts;
      summary.histogramOutside = h.outside;
    }
    features[name] = summary;
  }
  return { records: t.n, features, withheld };
}

/** Two-pass summary of one column (NaN = missing): mean first, then m2 about that mean. */
export function summarise(values: ArrayLike<number>): FeatureSummary {
  let count = 0;
  let missing = 0;
  let sum = 0;
  let sumSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      missing++;
      continue;
    }
    count++;
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Corrected two-pass: the second pass also removes the rounding error of sum / count.
  let mean = count > 0 ? sum / count : 0;
  let m2 = 0;
  let residual = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    m2 += (v - mean) * (v - mean);
    residual += v - mean;
  }
  if (count > 0) {
    mean += residual / count;
    m2 = Math.max(0, m2 - (residual * residual) / count);
  }
  return { count, missing, sum, sumSquares, min, max, mean, m2 };
}
