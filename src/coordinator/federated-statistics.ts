import { levelsOf, type TabularSchema } from '../connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { StatsNoise, StatsQuery, StatsReply, StatsRequest } from '../core/messages.js';
import { rdpEpsilon } from '../privacy/accountant/rdp.js';
import { equalWidthEdges } from '../stats/histogram.js';
import { combineJobStatistics, type FeatureStatistics, type JobSiteReplies } from '../stats/job-combine.js';
import { checkStatsQuery } from '../stats/job-site.js';
import type { SiteConnection } from '../transport/transport.js';

export interface FederatedStatisticsOptions {
  readonly jobId: string;
  /** The federation's k: no site releases a statistic on fewer than k records. */
  readonly k: number;
  /** The data schema every site shares (types, levels, declared ranges). */
  readonly schema: TabularSchema;
  /** Histogram bins per numeric or integer feature (default 20). */
  readonly bins?: number;
  /** Quantile probabilities (default 0.05, 0.25, 0.5, 0.75, 0.95). */
  readonly quantiles?: readonly number[];
  readonly rows?: StatsQuery['rows'];
  readonly dp?: StatsQuery['dp'];
  /** Called after each round (1: moments and level counts, 2: histograms). */
  readonly onRound?: (round: number, of: number, label: string) => void;
}

export type GridSource = 'declared' | 'federated-extremes' | 'mean-4sd';

export interface SiteStatisticsResult {
  readonly id: string;
  readonly records: number;
  /** Per feature the site did not release, the reason. */
  readonly withheld: Record<string, string>;
  readonly features: Record<string, FeatureStatistics>;
  /** DP: noisy releases this site made and the epsilon they cost (see privacy). */
  readonly noise?: { readonly queries: number; readonly epsilon: number; readonly epsilonBasic: number };
}

export interface FederatedStatisticsResult {
  readonly records: number;
  readonly k: number;
  readonly bins: number;
  readonly quantiles: number[];
  readonly rows: StatsQuery['rows'];
  readonly grid: Record<string, { source: GridSource; edges: number[] }>;
  readonly global: Record<string, FeatureStatistics>;
  readonly sites: SiteStatisticsResult[];
  /** DP: the mechanism, epsilon per query, delta and the job's epsilon (largest over sites: each patient is at one site). */
  readonly privacy?: { mechanism: 'laplace' | 'gaussian'; epsilonPerQuery: number; delta?: number; epsilon: number; accounting: string };
}

export const DEFAULT_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/**
 * A federated statistics job (docs/federated-statistics.md). Round 1: every site releases count,
 * missing, mean and M2 per feature (min/max only under its own policy) and level counts. The
 * coordinator then fixes one bin grid per numeric feature: the schema's declared range, else the
 * federated min/max (when every site released them), else the global mean +- 4 std. Round 2: the
 * sites' histograms on that grid (bins below k merged). Sites whose rows are all below k for a
 * feature release nothing about it and are listed as withheld.
 */
export async function runFederatedStatistics(sites: readonly SiteConnection[], options: FederatedStatisticsOptions): Promise<FederatedStatisticsResult> {
  const bins = options.bins ?? 20;
  const quantiles = [...(options.quantiles ?? DEFAULT_QUANTILES)];
  const rows = options.rows ?? 'all';
  if (!Number.isInteger(bins) || bins < 1 || bins > 10000) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `bins must be a whole number from 1 to 10000, got ${bins}`, { where: 'stats.bins' });
  }
  const badQ = quantiles.find((q) => !(q >= 0 && q <= 1));
  if (badQ !== undefined) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `quantiles must lie in [0, 1], got ${badQ}`, { where: 'stats.quantiles' });
  if (!Number.isInteger(options.k) || options.k < 1) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `k must be a positive integer, got ${options.k}`, { where: 'federation.k' });
  if (sites.length === 0) throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, 'a statistics job needs at least one site');
  const schema = options.schema;
  const q1: StatsQuery = { rows, parts: ['moments', 'levels'], ...(options.dp ? { dp: options.dp } : {}) };
  checkStatsQuery(q1);

  const levelNames: Record<string, string[]> = {};
  for (const c of schema.columns) if (c.type === 'binary' || c.type === 'categorical') levelNames[c.name] = [...levelsOf(c)];

  const round1 = await ask(sites, { kind: 'stats', jobId: options.jobId, k: options.k, query: q1 });
  options.onRound?.(1, 2, 'moments and level counts');
  const first = combineJobStatistics(round1, { binEdges: {}, levelNames, quantiles: [] });

  const grid: Record<string, { source: GridSource; edges: number[] }> = {};
  for (const c of schema.columns) {
    if (c.name === schema.label || (c.type !== 'numeric' && c.type !== 'integer')) continue;
    const g = first[c.name];
    if (c.min !== undefined && c.max !== undefined) grid[c.name] = { source: 'declared', edges: equalWidthEdges(c.min, c.max, bins) };
    else if (options.dp || !g) continue;
    else if (g.min !== undefined && g.max !== undefined) grid[c.name] = { source: 'federated-extremes', edges: equalWidthEdges(g.min, g.max, bins) };
    else if (g.mean !== undefined && g.std !== undefined && Number.isFinite(g.std)) {
      grid[c.name] = { source: 'mean-4sd', edges: equalWidthEdges(g.mean - 4 * g.std, g.mean + 4 * g.std, bins) };
    }
  }
  const binEdges = Object.fromEntries(Object.entries(grid).map(([name, g]) => [name, g.edges]));
  const q2: StatsQuery = { rows, parts: ['histogram'], ...(options.dp ? { dp: options.dp } : {}) };
  const round2 = await ask(sites, { kind: 'stats', jobId: options.jobId, k: options.k, binEdges, query: q2 });
  options.onRound?.(2, 2, 'histograms');

  const merged: JobSiteReplies[] = round1.map((r1) => {
    const r2 = round2.find((r) => r.siteId === r1.siteId)!;
    const features: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(r1.features)) {
      const h = (r2.features[name] as { histogram?: unknown } | undefined)?.histogram;
      features[name] = h === undefined ? f : { ...(f as object), histogram: h };
    }
    return { siteId: r1.siteId, records: r1.records, features, withheld: { ...r2.withheld, ...r1.withheld } };
  });
  const combineOptions = { binEdges, levelNames, quantiles };
  const global = combineJobStatistics(merged, combineOptions);
  const noiseBySite = new Map(round1.map((r1) => [r1.siteId, [r1.noise, round2.find((r) => r.siteId === r1.siteId)!.noise]]));
  const siteResults: SiteStatisticsResult[] = merged.map((m) => {
    const noise = options.dp ? siteEpsilon(options.dp, noiseBySite.get(m.siteId)!) : undefined;
    return { id: m.siteId, records: m.records, withheld: m.withheld, features: combineJobStatistics([m], combineOptions), ...(noise ? { noise } : {}) };
  });
  return {
    records: merged.reduce((a, m) => a + m.records, 0),
    k: options.k,
    bins,
    quantiles,
    rows,
    grid,
    global,
    sites: siteResults,
    ...(options.dp
      ? {
          privacy: {
            ...options.dp,
            epsilon: Math.max(...siteResults.map((s) => s.noise!.epsilon)),
            accounting:
              options.dp.mechanism === 'laplace'
                ? 'pure epsilon-DP, basic composition over a site\'s noisy releases; sites hold disjoint patients (parallel composition), so the job\'s epsilon is the largest site\'s'
                : `RDP composition of the site's Gaussian releases, converted at delta = ${options.dp.delta}; sites hold disjoint patients, so the job's epsilon is the largest site's`,
          },
        }
      : {}),
  };
}

/**
 * Epsilon one site spent: Laplace, queries x epsilon per query (basic composition); Gaussian, the
 * RDP accountant over `queries` Gaussian releases with noise multiplier sqrt(2 ln(1.25/delta)) /
 * epsilon per query, at the same delta (never more than the basic queries x epsilon).
 */
export function siteEpsilon(dp: NonNullable<StatsQuery['dp']>, noises: readonly (StatsNoise | undefined)[]): { queries: number; epsilon: number; epsilonBasic: number } {
  const queries = noises.reduce((a, n) => a + (n?.queries ?? 0), 0);
  const epsilonBasic = queries * dp.epsilonPerQuery;
  if (dp.mechanism === 'laplace' || queries === 0) return { queries, epsilon: epsilonBasic, epsilonBasic };
  const sigma = Math.sqrt(2 * Math.log(1.25 / dp.delta!)) / dp.epsilonPerQuery;
  const rdp = rdpEpsilon({ q: 1, sigma, steps: queries, delta: dp.delta! });
  return { queries, epsilon: Math.min(rdp, epsilonBasic), epsilonBasic };
}

async function ask(sites: readonly SiteConnection[], req: StatsRequest): Promise<StatsReply[]> {
  return Promise.all(
    sites.map(async (s) => {
      const r = await s.request(req);
      if (r.kind === 'error') throw MedfedError.fromJSON(r.error);
      if (r.kind !== 'stats') throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${s.siteId} answered "${r.kind}" to "stats"`);
      return r;
    }),
  );
}
