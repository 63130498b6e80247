import { ErrorCodes, MedfedError } from '../core/errors.js';
import { formatZodIssues } from '../core/zod-errors.js';
import { equalWidthEdges } from './histogram.js';
import { mergeMoments } from './moments.js';
import { featureSummarySchema, type FeatureSummary, type GlobalFeatureStats, type GlobalStatistics, type SiteStatisticsReply } from './types.js';

interface Running {
  count: number;
  missing: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  histogram?: number[];
  histogramOutside: number;
  histogramComplete: boolean;
  sites: string[];
}

/**
 * Runs AT THE COORDINATOR: combines site summaries into global count, mean, variance/std
 * (Chan, Golub and LeVeque's pairwise update of per-site means and M2), min, max and the summed
 * histogram. A feature withheld by a site simply lacks that site's contribution; the result
 * lists, per site, what was withheld. A histogram is given only when every contributing site sent
 * one, and all of them must have the same number of bins.
 */
export function combineSiteStatistics(replies: readonly SiteStatisticsReply[]): GlobalStatistics {
  const running = new Map<string, Running>();
  const withheld: Record<string, Record<string, string>> = {};
  let records = 0;
  for (const reply of replies) {
    records += reply.records;
    if (Object.keys(reply.withheld).length > 0) withheld[reply.siteId] = { ...reply.withheld };
    for (const [name, raw] of Object.entries(reply.features)) {
      const s = checkSummary(raw, `${reply.siteId}.features.${name}`);
      const r = running.get(name);
      if (!r) running.set(name, start(s, reply.siteId));
      else merge(r, s, reply.siteId, name);
    }
  }
  const features: Record<string, GlobalFeatureStats> = {};
  for (const [name, r] of running) {
    const variance = r.count > 0 ? r.m2 / r.count : NaN;
    features[name] = {
      count: r.count,
      missing: r.missing,
      mean: r.mean,
      variance,
      std: Math.sqrt(variance),
      sampleStd: r.count > 1 ? Math.sqrt(r.m2 / (r.count - 1)) : NaN,
      min: r.min,
      max: r.max,
      ...(r.histogram && r.histogramComplete ? { histogram: r.histogram, histogramOutside: r.histogramOutside } : {}),
      sites: r.sites,
    };
  }
  return { records, features, withheld };
}

/** First-pass helper: equal-width bin edges per feature from the global min and max. */
export function binEdgesFromGlobal(global: GlobalStatistics, bins: number): Record<string, number[]> {
  const edges: Record<string, number[]> = {};
  for (const [name, f] of Object.entries(global.features)) edges[name] = equalWidthEdges(f.min, f.max, bins);
  return edges;
}

function checkSummary(raw: unknown, where: string): FeatureSummary & { mean: number; m2: number } {
  const r = featureSummarySchema.safeParse(raw);
  if (!r.success) {
    throw new MedfedError(ErrorCodes.SITE_FAILURE, `malformed feature summary: ${formatZodIssues(r.error)}`, { where });
  }
  const s = r.data;
  if (s.count === 0) throw new MedfedError(ErrorCodes.SITE_FAILURE, 'a released feature summary has count 0', { where });
  // A site that sends only sums (FeatureSummaryWire) still combines, with the less stable formula.
  const mean = s.mean ?? s.sum / s.count;
  const m2 = s.m2 ?? Math.max(0, s.sumSquares - (s.sum * s.sum) / s.count);
  return { ...s, mean, m2 };
}

function start(s: FeatureSummary & { mean: number; m2: number }, siteId: string): Running {
  return {
    count: s.count,
    missing: s.missing,
    mean: s.mean,
    m2: s.m2,
    min: s.min,
    max: s.max,
    histogram: s.histogram ? [...s.histogram] : undefined,
    histogramOutside: s.histogramOutside ?? 0,
    histogramComplete: s.histogram !== undefined,
    sites: [siteId],
  };
}

function merge(r: Running, s: FeatureSummary & { mean: number; m2: number }, siteId: string, name: string): void {
  mergeMoments(r, s);
  r.missing += s.missing;
  r.min = Math.min(r.min, s.min);
  r.max = Math.max(r.max, s.max);
  if (r.histogram && s.histogram) {
    if (r.histogram.length !== s.histogram.length) {
      throw new MedfedError(
        ErrorCodes.SHAPE_MISMATCH,
        `site ${siteId} sent ${s.histogram.length} bins for "${name}", others sent ${r.histogram.length}`,
        { where: `${siteId}.features.${name}.histogram`, hint: 'send every site the same bin edges' },
      );
    }
    s.histogram.forEach((c, i) => (r.histogram![i] += c));
    r.histogramOutside += s.histogramOutside ?? 0;
  } else {
    r.histogramComplete = false;
  }
  r.sites.push(siteId);
}
