import { z } from 'zod';

/**
 * What one site releases about one feature (raw units, missing values excluded). A superset of
 * FeatureSummaryWire (core/messages.ts): mean and m2 (sum of squared deviations from the site's
 * mean) let the coordinator combine variances stably (Chan et al.), without sum-of-squares
 * cancellation.
 */
export const featureSummarySchema = z.object({
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  sum: z.number(),
  sumSquares: z.number(),
  min: z.number(),
  max: z.number(),
  mean: z.number().optional(),
  m2: z.number().nonnegative().optional(),
  /** Counts per bin of the coordinator's edges (second pass only). */
  histogram: z.array(z.number().int().nonnegative()).optional(),
  /** Values below the first or above the last edge (not in any bin). */
  histogramOutside: z.number().int().nonnegative().optional(),
});
export type FeatureSummary = z.infer<typeof featureSummarySchema>;

/** A site's answer to a statistics request (the body of StatsReply in core/messages.ts). */
export interface SiteStatistics {
  /** Rows the statistics are computed over (the site's training rows). */
  readonly records: number;
  readonly features: Record<string, FeatureSummary>;
  /** Features withheld, each with the reason (a MedfedError PRIVACY_THRESHOLD description). */
  readonly withheld: Record<string, string>;
}

/** A site reply as the coordinator receives it (StatsReply fits). */
export interface SiteStatisticsReply {
  readonly siteId: string;
  readonly records: number;
  readonly features: Record<string, unknown>;
  readonly withheld: Record<string, string>;
}

/** Global statistics of one feature, combined over the sites that released it. */
export interface GlobalFeatureStats {
  readonly count: number;
  readonly missing: number;
  readonly mean: number;
  /** Population variance and standard deviation (divide by count), as a z-score scaler uses. */
  readonly variance: number;
  readonly std: number;
  /** Sample standard deviation (divide by count - 1); NaN for a single value. */
  readonly sampleStd: number;
  readonly min: number;
  readonly max: number;
  readonly histogram?: number[];
  readonly histogramOutside?: number;
  /** Sites whose summaries went in. */
  readonly sites: string[];
}

export interface GlobalStatistics {
  readonly records: number;
  readonly features: Record<string, GlobalFeatureStats>;
  /** Per site, the features it withheld and why. */
  readonly withheld: Record<string, Record<string, string>>;
}
