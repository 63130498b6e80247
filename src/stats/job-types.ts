import { z } from 'zod';

/**
 * What one site releases about one feature in a statistics job (docs/federated-statistics.md),
 * inside StatsReply.features. Exact releases carry count, missing, mean and M2 (combined with
 * Chan's formulas); DP releases carry noisy count, missing, sum and sumSquares instead.
 */
export const jobFeatureSummarySchema = z.strictObject({
  type: z.enum(['numeric', 'integer', 'binary', 'categorical', 'label']),
  /** Non-missing and missing values (released with the moments). */
  count: z.number().optional(),
  missing: z.number().optional(),
  mean: z.number().optional(),
  m2: z.number().nonnegative().optional(),
  sum: z.number().optional(),
  sumSquares: z.number().optional(),
  /** Only where the site's policy releases extremes (single-record disclosures). */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Count per level (schema order); null: suppressed (a small cell, or its complement). */
  levels: z.array(z.number().nullable()).optional(),
  /**
   * Counts over the request's bin edges in groups of adjacent bins, each group holding at least
   * k records: [first, last, count] over extended indices (0: below the first edge, 1..bins: the
   * bins, bins + 1: above the last edge). Groups are contiguous and cover `from`..`to`.
   */
  histogram: z
    .strictObject({
      bins: z.number().int().positive(),
      groups: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number()])),
    })
    .optional(),
});
export type JobFeatureSummary = z.infer<typeof jobFeatureSummarySchema>;
export type JobFeatureType = JobFeatureSummary['type'];
