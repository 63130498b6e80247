import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { StatsNoise } from '../core/messages.js';
import { formatZodIssues } from '../core/zod-errors.js';
import { quantileFromHistogram } from './histogram.js';
import { jobFeatureSummarySchema, type JobFeatureSummary, type JobFeatureType } from './job-types.js';
import { mergeMoments, type Moments } from './moments.js';

/** One site's answers to the rounds of a statistics job (features merged over the rounds). */
export interface JobSiteReplies {
  readonly siteId: string;
  readonly records: number;
  readonly features: Record<string, unknown>;
  readonly withheld: Record<string, string>;
}

export interface QuantileEstimate {
  readonly p: number;
  /** Interpolated inside the bin where the cumulative count reaches p * count (null: beyond the grid). */
  readonly value: number | null;
  /** Guaranteed bracket of the empirical quantile from the released groups (null: unbounded). */
  readonly lower: number | null;
  readonly upper: number | null;
}

export interface HistogramResult {
  readonly edges: number[];
  /** Counts per bin; merged groups (small-bin rule) are spread evenly over their bins. */
  readonly counts: number[];
  readonly below: number;
  readonly above: number;
  /** True when no bin was merged anywhere (counts are exact). */
  readonly exact: boolean;
}

export interface LevelCount {
  readonly level: string;
  /** Sum of the released counts (null: suppressed at every site). */
  readonly count: number | null;
  /** False when some site suppressed this cell (the count is then a lower bound). */
  readonly complete: boolean;
}

/** Combined statistics of one feature (over one site, or all sites). */
export interface FeatureStatistics {
  readonly type: JobFeatureType;
  readonly count: number | null;
  readonly missing: number | null;
  readonly missingFraction: number | null;
  readonly mean?: number;
  /** Population variance and std (divide by n) and sample std (n - 1). */
  readonly variance?: number;
  readonly std?: number;
  readonly sampleStd?: number;
  readonly min?: number;
  readonly max?: number;
  readonly levels?: LevelCount[];
  readonly histogram?: HistogramResult;
  readonly quantiles?: QuantileEstimate[];
  /** Sites whose summaries went in. */
  readonly sites: string[];
}

export interface CombineJobOptions {
  /** Bin edges per feature, as sent to the sites. */
  readonly binEdges: Readonly<Record<string, readonly number[]>>;
  /** Level names per binary, categorical and label column (schema order). */
  readonly levelNames: Readonly<Record<string, readonly string[]>>;
  /** Quantile probabilities to estimate, each in [0, 1]. */
  readonly quantiles: readonly number[];
}

interface Parsed {
  readonly siteId: string;
  readonly s: JobFeatureSummary;
}

/**
 * Runs AT THE COORDINATOR: combines the sites' statistics-job summaries feature by feature.
 * Count, missing, mean and M2 combine exactly (Chan et al.; with DP, noisy sums); min and max only
 * when every contributing site released them; level counts add up (suppressed cells marked);
 * grouped histograms add up on the shared grid, and quantiles come from the combined histogram.
 */
export function combineJobStatistics(replies: readonly JobSiteReplies[], options: CombineJobOptions): Record<string, FeatureStatistics> {
  const byFeature = new Map<string, Parsed[]>();
  for (const r of replies) {
    for (const [name, raw] of Object.entries(r.features)) {
      const p = jobFeatureSummarySchema.safeParse(raw);
      if (!p.success) {
        throw new MedfedError(ErrorCodes.SITE_FAILURE, `malformed statistics summary: ${formatZodIssues(p.error)}`, { where: `${r.siteId}.features.${name}` });
      }
      const list = byFeature.get(name) ?? [];
      list.push({ siteId: r.siteId, s: p.data });
      byFeature.set(name, list);
    }
  }
  const out: Record<string, FeatureStatistics> = {};
  for (const [name, parts] of byFeature) out[name] = combineFeature(name, parts, options);
  return out;
}

function combineFeature(name: string, parts: readonly Parsed[], options: CombineJobOptions): FeatureStatistics {
  const type = parts[0].s.type;
  const mismatch = parts.find((p) => p.s.type !== type);
  if (mismatch) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `site ${mismatch.siteId} reports "${name}" as ${mismatch.s.type}, others as ${type}`, {
      where: `${mismatch.siteId}.features.${name}.type`,
      hint: 'every site must use the same data schema',
    });
  }
  const sum = (f: (s: JobFeatureSummary) => number | undefined): number | null => {
    const v = parts.map((p) => f(p.s));
    return v.every((x) => x !== undefined) ? (v as number[]).reduce((a, b) => a + b, 0) : null;
  };
  const count = sum((s) => s.count);
  const missing = sum((s) => s.missing);
  const result: { -readonly [K in keyof FeatureStatistics]: FeatureStatistics[K] } = {
    type,
    count,
    missing,
    missingFraction: count !== null && missing !== null && count + missing > 0 ? missing / (count + missing) : null,
    sites: parts.map((p) => p.siteId),
  };
  Object.assign(result, moments(name, parts, count));
  if (parts.every((p) => p.s.min !== undefined && p.s.max !== undefined)) {
    result.min = Math.min(...parts.map((p) => p.s.min!));
    result.max = Math.max(...parts.map((p) => p.s.max!));
  }
  if (parts.some((p) => p.s.levels)) result.levels = levels(name, parts, options.levelNames[name] ?? []);
  const edges = options.binEdges[name];
  if (edges && parts.some((p) => p.s.histogram)) {
    const h = histogram(name, parts, edges);
    result.histogram = h.result;
    result.quantiles = options.quantiles.map((p) => quantile(p, h, edges));
  }
  return result;
}

function moments(name: string, parts: readonly Parsed[], count: number | null): Partial<FeatureStatistics> {
  if (parts.every((p) => p.s.mean !== undefined && p.s.m2 !== undefined && p.s.count !== undefined)) {
    const m: Moments = { count: 0, mean: 0, m2: 0 };
    for (const p of parts) mergeMoments(m, { count: p.s.count!, mean: p.s.mean!, m2: p.s.m2! });
    return spread(m.count, m.mean, m.m2);
  }
  if (parts.every((p) => p.s.sum !== undefined && p.s.sumSquares !== undefined) && count !== null) {
    // DP releases: noisy count, sum and sum of squares (clipped values); post-processing only.
    if (!(count > 0)) return {};
    const mean = parts.reduce((a, p) => a + p.s.sum!, 0) / count;
    const m2 = Math.max(0, parts.reduce((a, p) => a + p.s.sumSquares!, 0) - count * mean * mean);
    return spread(count, mean, m2);
  }
  if (parts.some((p) => p.s.mean !== undefined || p.s.sum !== undefined)) {
    throw new MedfedError(ErrorCodes.SITE_FAILURE, `sites sent incompatible moments for "${name}" (some exact, some noisy or missing)`, {
      where: `features.${name}`,
      hint: 'every site must answer the same statistics query',
    });
  }
  return {};
}

function spread(count: number, mean: number, m2: number): Partial<FeatureStatistics> {
  const variance = count > 0 ? m2 / count : NaN;
  return { mean, variance, std: Math.sqrt(variance), ...(count > 1 ? { sampleStd: Math.sqrt(m2 / (count - 1)) } : {}) };
}

function levels(name: string, parts: readonly Parsed[], names: readonly string[]): LevelCount[] {
  const width = names.length;
  for (const p of parts) {
    if (p.s.levels && p.s.levels.length !== width) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `site ${p.siteId} sent ${p.s.levels.length} level counts for "${name}", the schema has ${width}`, {
        where: `${p.siteId}.features.${name}.levels`,
      });
    }
  }
  return names.map((level, i) => {
    let count: number | null = null;
    let complete = true;
    for (const p of parts) {
      const c = p.s.levels?.[i];
      if (c === null || c === undefined) complete = false;
      else count = (count ?? 0) + c;
    }
    return { level, count, complete };
  });
}

interface Combined {
  readonly result: HistogramResult;
  /** Per boundary between extended cells (0..bins+2): estimated, lowest and highest cumulative count. */
  readonly est: number[];
  readonly lo: number[];
  readonly hi: number[];
}

function histogram(name: string, parts: readonly Parsed[], edges: readonly number[]): Combined {
  const bins = edges.length - 1;
  const size = bins + 3;
  const est = new Array<number>(size).fill(0);
  const lo = new Array<number>(size).fill(0);
  const hi = new Array<number>(size).fill(0);
  let exact = true;
  for (const p of parts) {
    const h = p.s.histogram;
    if (!h) {
      throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${p.siteId} released "${name}" without its histogram`, { where: `${p.siteId}.features.${name}.histogram` });
    }
    if (h.bins !== bins) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `site ${p.siteId} sent ${h.bins} bins for "${name}", the grid has ${bins}`, {
        where: `${p.siteId}.features.${name}.histogram`,
        hint: 'send every site the same bin edges',
      });
    }
    let cum = 0;
    let next = 0;
    const siteEst = new Array<number>(size).fill(0);
    const siteLo = new Array<number>(size).fill(0);
    const siteHi = new Array<number>(size).fill(0);
    for (const [a, b, c] of h.groups) {
      if (!(a >= next && b >= a && b <= bins + 1)) {
        throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${p.siteId} sent overlapping or out-of-range histogram groups for "${name}"`, {
          where: `${p.siteId}.features.${name}.histogram.groups`,
        });
      }
      for (let j = next; j <= a; j++) siteEst[j] = siteLo[j] = siteHi[j] = cum;
      if (b > a) exact = false;
      for (let j = a + 1; j <= b; j++) {
        siteEst[j] = cum + (c * (j - a)) / (b - a + 1);
        siteLo[j] = cum;
        siteHi[j] = cum + c;
      }
      cum += c;
      next = b + 1;
    }
    for (let j = next; j < size; j++) siteEst[j] = siteLo[j] = siteHi[j] = cum;
    for (let j = 0; j < size; j++) {
      est[j] += siteEst[j];
      // Bounds of a noisy count are meaningless below 0; they bound the released counts.
      lo[j] += Math.min(siteLo[j], siteHi[j]);
      hi[j] += Math.max(siteLo[j], siteHi[j]);
    }
  }
  const cell = (j: number) => est[j + 1] - est[j];
  return {
    result: { edges: [...edges], counts: Array.from({ length: bins }, (_, i) => cell(i + 1)), below: cell(0), above: cell(bins + 1), exact },
    est,
    lo,
    hi,
  };
}

/** Position of boundary j (between extended cells j - 1 and j) on the value axis. */
function boundaryValue(j: number, edges: readonly number[]): number | null {
  if (j <= 0 || j >= edges.length + 1) return null;
  return edges[j - 1];
}

function quantile(p: number, h: Combined, edges: readonly number[]): QuantileEstimate {
  const bins = edges.length - 1;
  const total = h.est[bins + 2];
  // The empirical quantile x_(ceil(p n)) (1-based): the smallest value with at least p n at or below it; p = 0 is the minimum.
  const t = Math.max(p * total, Math.min(1, total) * 1e-9);
  let lowerJ = 0;
  for (let j = 0; j < h.hi.length; j++) if (h.hi[j] < t) lowerJ = j;
  let upperJ = h.lo.length - 1;
  for (let j = h.lo.length - 1; j >= 0; j--) if (h.lo[j] >= t) upperJ = j;
  const below = h.result.below;
  const inBins = h.result.counts.reduce((a, b) => a + b, 0);
  let value: number | null;
  if (!(total > 0)) value = null;
  else if (below > 0 && t <= below) value = null;
  else if (t > below + inBins) value = null;
  else value = quantileFromHistogram(edges, h.result.counts, Math.min(1, Math.max(0, (t - below) / inBins)));
  return { p, value, lower: boundaryValue(lowerJ, edges), upper: boundaryValue(upperJ, edges) };
}

/** Privacy spent by one site over the rounds of a job: the sum of its queries. */
export function noiseQueries(noises: readonly (StatsNoise | undefined)[]): number {
  return noises.reduce((a, n) => a + (n?.queries ?? 0), 0);
}
