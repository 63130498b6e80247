import type { TabularSchema } from '../connectors/csv/schema.js';
import type { FederatedStatisticsResult } from '../coordinator/federated-statistics.js';
import type { FeatureStatistics } from './job-combine.js';

/** stats.json (schema version 1): see docs/federated-statistics.md for every field. */
export interface StatsDocument {
  readonly schemaVersion: 1;
  readonly kind: 'federated-statistics';
  readonly tool: { readonly name: 'medfed'; readonly version: string };
  readonly createdAt: string;
  readonly study: { readonly name: string; readonly title: string; readonly dataset: { name: string; source: string; licence: string; rows: number } };
  readonly query: {
    readonly rows: 'all' | 'train';
    readonly k: number;
    readonly bins: number;
    readonly quantiles: number[];
    readonly quantileDefinition: string;
    readonly releaseExtremes: boolean;
    readonly dp: FederatedStatisticsResult['privacy'] | null;
  };
  readonly records: number;
  readonly sites: { id: string; records: number; withheld: Record<string, string>; noise?: { queries: number; epsilon: number; epsilonBasic: number } }[];
  /** Sites the study's partition left out (fewer rows than partition.minRows). */
  readonly excludedSites: Record<string, string>;
  readonly grid: FederatedStatisticsResult['grid'];
  readonly features: {
    readonly name: string;
    readonly type: string;
    readonly unit?: string;
    /** null when no site released the feature. */
    readonly global: FeatureStatistics | null;
    /** Per site: its statistics, or the reason it released nothing. */
    readonly sites: Record<string, FeatureStatistics | { readonly withheld: string }>;
  }[];
}

export const QUANTILE_DEFINITION =
  'estimated from the combined histogram by linear interpolation inside the bin where the cumulative count reaches p x count; ' +
  'lower/upper bracket the empirical quantile x_(ceil(p n)) (inverse of the empirical CDF); without merged bins the bracket is that one bin';

export function buildStatsDocument(
  result: FederatedStatisticsResult,
  meta: { version: string; study: StatsDocument['study']; schema: TabularSchema; releaseExtremes: boolean; excludedSites: Record<string, string> },
): StatsDocument {
  const schema = meta.schema;
  const columns = [...schema.columns.filter((c) => c.name !== schema.label), ...schema.columns.filter((c) => c.name === schema.label)];
  return {
    schemaVersion: 1,
    kind: 'federated-statistics',
    tool: { name: 'medfed', version: meta.version },
    createdAt: new Date().toISOString(),
    study: meta.study,
    query: {
      rows: result.rows,
      k: result.k,
      bins: result.bins,
      quantiles: result.quantiles,
      quantileDefinition: QUANTILE_DEFINITION,
      releaseExtremes: meta.releaseExtremes,
      dp: result.privacy ?? null,
    },
    records: result.records,
    sites: result.sites.map((s) => ({ id: s.id, records: s.records, withheld: s.withheld, ...(s.noise ? { noise: s.noise } : {}) })),
    excludedSites: meta.excludedSites,
    grid: result.grid,
    features: columns.map((c) => ({
      name: c.name,
      type: c.name === schema.label ? 'label' : c.type,
      ...(c.unit ? { unit: c.unit } : {}),
      global: result.global[c.name] ?? null,
      sites: Object.fromEntries(result.sites.map((s) => [s.id, s.features[c.name] ?? { withheld: s.withheld[c.name] ?? 'not released' }])),
    })),
  };
}
