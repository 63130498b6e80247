import type { ColumnSpec } from '../connectors/csv/schema.js';
import { levelsOf } from '../connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { StatsNoise, StatsQuery } from '../core/messages.js';
import type { Table } from '../data/table.js';
import { laplaceSource } from '../privacy/dp/laplace.js';
import { gaussianSource, secureUniform, type UniformSource } from '../privacy/dp/secure-random.js';
import { checkBinEdges, histogramCounts } from './histogram.js';
import type { JobFeatureSummary, JobFeatureType } from './job-types.js';
import { summarise } from './site-summary.js';

export interface JobSiteOptions {
  /** The request's k; the site's own floor (siteMinK) applies when larger. */
  readonly k: number;
  readonly siteMinK?: number;
  readonly siteId?: string;
  /** The site's policy: release its exact min and max (single-record disclosures; default false). */
  readonly releaseExtremes?: boolean;
  /** Source of the DP noise (default: the platform CSPRNG); tests pass a seeded one. */
  readonly uniform?: UniformSource;
}

export interface JobSiteStatistics {
  readonly records: number;
  readonly features: Record<string, JobFeatureSummary>;
  readonly withheld: Record<string, string>;
  readonly noise?: StatsNoise;
}

/** Noise scale of one query of the given sensitivity: Laplace b = D / eps; Gaussian sigma = D sqrt(2 ln(1.25 / delta)) / eps. */
export function noiseScale(dp: NonNullable<StatsQuery['dp']>, sensitivity: number): number {
  const base = dp.mechanism === 'laplace' ? 1 : Math.sqrt(2 * Math.log(1.25 / dp.delta!));
  return (sensitivity * base) / dp.epsilonPerQuery;
}

/** CONFIG_INVALID unless the query is well formed (parts known, DP parameters in range). */
export function checkStatsQuery(query: StatsQuery, where = 'stats.query'): void {
  const bad = (message: string, field: string, hint?: string) => new MedfedError(ErrorCodes.CONFIG_INVALID, message, { where: `${where}.${field}`, hint });
  if (query.rows !== 'all' && query.rows !== 'train') throw bad(`rows must be "all" or "train", got ${String(query.rows)}`, 'rows');
  if (query.parts.length === 0) throw bad('a statistics round must ask for at least one of moments, levels, histogram', 'parts');
  for (const p of query.parts) if (!['moments', 'levels', 'histogram'].includes(p)) throw bad(`unknown part "${p}"`, 'parts', 'use moments, levels or histogram');
  const dp = query.dp;
  if (!dp) return;
  if (!(Number.isFinite(dp.epsilonPerQuery) && dp.epsilonPerQuery > 0)) throw bad(`epsilon per query must be a finite number > 0, got ${dp.epsilonPerQuery}`, 'dp.epsilonPerQuery');
  if (dp.mechanism === 'laplace') {
    if (dp.delta !== undefined) throw bad('the Laplace mechanism is pure epsilon-DP: give no delta', 'dp.delta', 'drop delta, or use the gaussian mechanism');
  } else if (dp.mechanism === 'gaussian') {
    if (!(dp.delta !== undefined && dp.delta > 0 && dp.delta < 1)) throw bad(`the Gaussian mechanism needs 0 < delta < 1, got ${dp.delta}`, 'dp.delta');
    if (dp.epsilonPerQuery > 1) {
      throw bad(`the classic Gaussian mechanism holds for epsilon <= 1 per query, got ${dp.epsilonPerQuery}`, 'dp.epsilonPerQuery', 'use epsilon <= 1 per query, or the laplace mechanism');
    }
  } else {
    throw bad(`unknown DP mechanism "${String((dp as { mechanism: unknown }).mechanism)}"`, 'dp.mechanism', 'use laplace or gaussian');
  }
}

/**
 * Runs AT THE SITE for a statistics job: per feature of `tables` (the site's rows; the label
 * counts as a categorical feature), what the query's parts ask for. Rules (see
 * docs/federated-statistics.md): a feature with fewer than k non-missing values releases nothing;
 * level counts of 1 to k - 1 are suppressed, together with the next smallest until the suppressed
 * cells hold k or more; histogram bins of 1 to k - 1 are merged with their neighbours until every
 * released group holds k or more (empty cells are released); min and max only under `releaseExtremes`. With DP, every released count and
 * sum gets noise and values are clipped to the declared range first.
 */
export function computeJobSiteStatistics(
  tables: readonly Table[],
  query: StatsQuery,
  binEdges: Readonly<Record<string, readonly number[]>> | undefined,
  options: JobSiteOptions,
): JobSiteStatistics {
  checkStatsQuery(query);
  if (tables.length === 0) throw new MedfedError(ErrorCodes.INTERNAL, 'statistics over no table');
  const k = Math.max(options.k, options.siteMinK ?? 0);
  if (!Number.isInteger(k) || k < 1) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `k must be a positive integer, got ${k}`, { where: 'stats.k' });
  const site = options.siteId ?? 'site';
  const parts = new Set(query.parts);
  const noise = makeNoise(query.dp, options.uniform);
  const first = tables[0];
  const columns = first.features.map((f, j) => ({ spec: f.spec, values: concat(tables.map((t) => t.features[j].values)) }));
  const names = new Set(columns.map((c) => c.spec.name));
  for (const name of Object.keys(binEdges ?? {})) {
    if (!names.has(name)) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `bin edges were sent for "${name}", which is not a feature here`, { where: `stats.binEdges.${name}` });
    }
  }
  const n = tables.reduce((a, t) => a + t.n, 0);
  const features: Record<string, JobFeatureSummary> = {};
  const withheld: Record<string, string> = {};
  const withhold = (name: string, e: MedfedError) => (withheld[name] = e.describe());

  for (const { spec, values } of columns) {
    const name = spec.name;
    const type = spec.type as JobFeatureType;
    const s = summarise(values);
    if (s.count < k) {
      withhold(name, new MedfedError(ErrorCodes.PRIVACY_THRESHOLD, `"${name}" has ${s.count} non-missing values, fewer than k = ${k}; nothing about it is released`, { where: `${site}.${name}` }));
      continue;
    }
    const out: JobFeatureSummary = { type };
    const range = declaredRange(spec);
    if (noise && type !== 'categorical' && !range) {
      withhold(
        name,
        new MedfedError(ErrorCodes.CONFIG_INVALID, `"${name}" has no declared range, which DP needs to bound one patient's contribution`, {
          where: `${site}.${name}`,
          hint: 'declare min and max for the column in the data schema',
        }),
      );
      continue;
    }
    if (parts.has('moments')) {
      if (!noise) {
        Object.assign(out, { count: s.count, missing: s.missing });
        if (type !== 'categorical') Object.assign(out, { mean: s.mean, m2: s.m2 });
        if (type !== 'categorical' && options.releaseExtremes) Object.assign(out, { min: s.min, max: s.max });
      } else {
        out.count = noise.add(s.count, 1);
        out.missing = noise.add(s.missing, 1);
        if (type !== 'categorical') {
          const [lo, hi] = range!;
          let sum = 0;
          let sumSquares = 0;
          for (const v of values) {
            if (Number.isNaN(v)) continue;
            const c = Math.min(hi, Math.max(lo, v));
            sum += c;
            sumSquares += c * c;
          }
          out.sum = noise.add(sum, Math.max(Math.abs(lo), Math.abs(hi)));
          out.sumSquares = noise.add(sumSquares, Math.max(lo * lo, hi * hi));
        }
      }
    }
    if (parts.has('levels') && (type === 'categorical' || type === 'binary')) {
      out.levels = levelCounts(values, levelsOf(spec).length, k, noise);
    }
    const edges = binEdges?.[name];
    if (parts.has('histogram') && edges && (type === 'numeric' || type === 'integer')) {
      checkBinEdges(edges, `stats.binEdges.${name}`);
      out.histogram = groupedHistogram(values, edges, k, noise, range, options.releaseExtremes === true);
    }
    features[name] = out;
  }

  // The label: a categorical feature that is never missing.
  const label = concatInt(tables.map((t) => t.label));
  if (n < k) {
    withhold(first.labelName, new MedfedError(ErrorCodes.PRIVACY_THRESHOLD, `"${first.labelName}" has ${n} values, fewer than k = ${k}; nothing about it is released`, { where: `${site}.${first.labelName}` }));
  } else {
    const out: JobFeatureSummary = { type: 'label' };
    if (parts.has('moments')) {
      out.count = noise ? noise.add(n, 1) : n;
      out.missing = 0;
    }
    if (parts.has('levels')) out.levels = levelCounts(label, first.labelLevels.length, k, noise);
    features[first.labelName] = out;
  }
  // Records: exact without DP; with DP a noisy count (rounded, at least 0; post-processing).
  const records = noise ? Math.max(0, Math.round(noise.add(n, 1))) : n;
  return {
    records,
    features,
    withheld,
    ...(noise && query.dp ? { noise: { mechanism: query.dp.mechanism, epsilonPerQuery: query.dp.epsilonPerQuery, ...(query.dp.delta !== undefined ? { delta: query.dp.delta } : {}), queries: noise.queries() } } : {}),
  };
}

interface Noise {
  /** value plus noise calibrated to `sensitivity`; counts one query. */
  add(value: number, sensitivity: number): number;
  /** Adds noise to every element (one query of L1 and L2 sensitivity `sensitivity`). */
  addAll(values: number[], sensitivity: number): number[];
  queries(): number;
}

function makeNoise(dp: StatsQuery['dp'], uniform: UniformSource | undefined): Noise | undefined {
  if (!dp) return undefined;
  const u = uniform ?? secureUniform();
  const draw = dp.mechanism === 'laplace' ? laplaceSource(u) : gaussianSource(u);
  let queries = 0;
  return {
    add(value, sensitivity) {
      queries++;
      return value + noiseScale(dp, sensitivity) * draw();
    },
    addAll(values, sensitivity) {
      queries++;
      const scale = noiseScale(dp, sensitivity);
      return values.map((v) => v + scale * draw());
    },
    queries: () => queries,
  };
}

function declaredRange(spec: ColumnSpec): [number, number] | undefined {
  if (spec.type === 'binary') return [0, 1];
  if (spec.type === 'categorical') return undefined;
  return spec.min !== undefined && spec.max !== undefined ? [spec.min, spec.max] : undefined;
}

/**
 * Level counts with small-cell suppression: cells holding 1 to k - 1 records become null, and if
 * the suppressed cells hold fewer than k records together (one could be recovered from the
 * total), the smallest other non-empty cells are suppressed too until they hold k or more. Empty
 * cells are released (they describe no patient).
 */
export function suppressSmallCells(counts: readonly number[], k: number): (number | null)[] {
  const suppressed = counts.map((c) => c !== 0 && c < k);
  let held = counts.reduce((a, c, i) => a + (suppressed[i] ? c : 0), 0);
  if (suppressed.some(Boolean)) {
    for (;;) {
      if (held >= k) break;
      let j = -1;
      counts.forEach((c, i) => {
        if (!suppressed[i] && c !== 0 && (j < 0 || c < counts[j])) j = i;
      });
      if (j < 0) break;
      suppressed[j] = true;
      held += counts[j];
    }
  }
  return counts.map((c, i) => (suppressed[i] ? null : c));
}

function levelCounts(values: ArrayLike<number>, levels: number, k: number, noise: Noise | undefined): (number | null)[] {
  const counts = new Array<number>(levels).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) counts[v]++;
  }
  return suppressSmallCells(noise ? noise.addAll(counts, 1) : counts, k);
}

/**
 * Counts below the first edge, in each bin, above the last edge; adjacent cells are merged left to
 * right until each group holds k or more (a short tail joins the last group). Below/above are left
 * out when the edges cover the column's declared range (no value can fall there), or, without DP,
 * when the site releases its extremes anyway and nothing lies outside.
 */
function groupedHistogram(
  values: ArrayLike<number>,
  edges: readonly number[],
  k: number,
  noise: Noise | undefined,
  range: [number, number] | undefined,
  releaseExtremes: boolean,
): NonNullable<JobFeatureSummary['histogram']> {
  const bins = edges.length - 1;
  const { counts, outside } = histogramCounts(values, edges);
  let below = 0;
  for (let i = 0; i < values.length; i++) if (values[i] < edges[0]) below++;
  let ext = [below, ...counts, outside - below];
  // A site that releases its extremes may also say that nothing lies outside the edges.
  const covered = (range !== undefined && edges[0] <= range[0] && edges[bins] >= range[1]) || (!noise && releaseExtremes && outside === 0);
  const from = covered ? 1 : 0;
  const to = covered ? bins : bins + 1;
  if (noise) ext = [...ext.slice(0, from), ...noise.addAll(ext.slice(from, to + 1), 1), ...ext.slice(to + 1)];
  return { bins, groups: mergeSmallBins(ext, from, to, k) };
}

/**
 * Greedy left-to-right merge of cells from..to into groups of at least k; an empty cell met
 * between groups is released on its own. A short tail joins the last non-empty group (and the
 * empty cells before it).
 */
export function mergeSmallBins(cells: readonly number[], from: number, to: number, k: number): [number, number, number][] {
  const groups: [number, number, number][] = [];
  let start = from;
  let acc = 0;
  for (let i = from; i <= to; i++) {
    if (start === i && cells[i] === 0) {
      groups.push([i, i, 0]);
      start = i + 1;
      continue;
    }
    acc += cells[i];
    if (acc >= k) {
      groups.push([start, i, acc]);
      start = i + 1;
      acc = 0;
    }
  }
  if (start <= to) {
    while (groups.length > 0 && groups[groups.length - 1][2] === 0) groups.pop();
    const last = groups.pop();
    groups.push(last ? [last[0], to, last[2] + acc] : [from, to, acc]);
  }
  return groups;
}

function concat(parts: readonly Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0];
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function concatInt(parts: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
