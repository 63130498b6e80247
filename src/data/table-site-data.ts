import type { Dataset } from '../core/dataset.js';
import type { SiteData } from '../site/site-data.js';
import { computeJobSiteStatistics } from '../stats/job-site.js';
import { computeSiteStatistics } from '../stats/site-summary.js';
import { standardizeTable } from '../stats/standardize.js';
import { toDataset } from './encode.js';
import { localFillValues } from './fill-values.js';
import type { Normalization, Table } from './table.js';

export interface TableSiteDataOptions {
  readonly siteId: string;
  /** The site's own floor for k (it may refuse smaller groups than the coordinator asks). */
  readonly siteMinK?: number;
  /** The site's policy for statistics jobs: release its exact min and max (default false). */
  readonly releaseExtremes?: boolean;
  /** Raw-unit fill values for missing entries (e.g. fillValuesFromGlobal); see materialize. */
  readonly fill?: Readonly<Record<string, number>>;
}

/**
 * A site's training and test tables behind the SiteData interface the site runtime uses:
 * statistics over the training rows only (k-threshold enforced here), then z-scoring of both
 * tables with the global normalisation. Missing values are filled with `options.fill`, else the
 * global mean from the normalisation (impute-mean, indicator), else this site's own training
 * rows — never with pooled data.
 */
export function tableSiteData(train: Table, test: Table, options: TableSiteDataOptions): SiteData {
  return {
    trainCount: train.n,
    testCount: test.n,
    statistics: (request) =>
      request.query
        ? computeJobSiteStatistics(request.query.rows === 'all' ? [train, test] : [train], request.query, request.binEdges, {
            k: request.k,
            siteMinK: options.siteMinK,
            siteId: options.siteId,
            releaseExtremes: options.releaseExtremes,
          })
        : computeSiteStatistics(train, { k: request.k, siteMinK: options.siteMinK, binEdges: request.binEdges, siteId: options.siteId }),
    materialize: (normalization?: Normalization): { train: Dataset; test: Dataset } => {
      const fill = { ...localFillValues(train), ...globalMeans(train, normalization), ...options.fill };
      const prepare = (t: Table) => toDataset(normalization ? standardizeTable(t, normalization) : t, { fill });
      return { train: prepare(train), test: prepare(test) };
    },
  };
}

function globalMeans(t: Table, normalization?: Normalization): Record<string, number> {
  const fill: Record<string, number> = {};
  if (!normalization) return fill;
  for (const { spec } of t.features) {
    const m = normalization.mean[spec.name];
    if ((spec.missing === 'impute-mean' || spec.missing === 'indicator') && m !== undefined) fill[spec.name] = m;
  }
  return fill;
}
