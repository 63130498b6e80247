import type { Dataset } from '../core/dataset.js';
import type { StatsReply, StatsRequest } from '../core/messages.js';

/**
 * A site's own data for one study, as the site runtime sees it: it answers federated-statistics
 * requests over its training rows and, once the global normalisation is known, yields the
 * training and test sets. Raw values never leave the object; only summaries do.
 */
export interface SiteData {
  readonly trainCount: number;
  readonly testCount: number;
  statistics(request: StatsRequest): Omit<StatsReply, 'kind' | 'siteId'>;
  materialize(normalization?: { mean: Record<string, number>; std: Record<string, number> }): { train: Dataset; test: Dataset };
}
