import type { Dataset } from '../core/dataset.js';
import type { StatsReply, StatsRequest } from '../core/messages.js';
import type { LossName } from '../core/model-spec.js';

/**
 * A site's own data for one study, as the site runtime sees it: it answers federated-statistics
 * requests over its training rows and, once the global normalisation is known, yields the
 * training and test sets. Raw values never leave the object; only summaries do.
 */
export interface SiteData {
  readonly trainCount: number;
  readonly testCount: number;
  /**
   * Multi-task studies: the loss of this site's own task (e.g. "mse" for a regression assay), used
   * instead of the job model's loss when the site builds its model; the layout (shapes) is the
   * job's, so the weights still aggregate. Absent: the job's loss.
   */
  readonly loss?: LossName;
  /**
   * Called before each fit: a site that is unavailable this round (a simulated wearable that
   * dropped out) throws, and the fit request fails with that error.
   */
  beforeFit?(round: number): void;
  statistics(request: StatsRequest): Omit<StatsReply, 'kind' | 'siteId'>;
  materialize(normalization?: { mean: Record<string, number>; std: Record<string, number> }): { train: Dataset; test: Dataset };
}
