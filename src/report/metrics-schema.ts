import { z } from 'zod';
import { taskKinds } from '../eval/task.js';

/**
 * A metrics record in results.json: eval/Metrics as is (every field optional so per-round
 * history may carry only a few), plus regression metrics and bootstrap intervals. Metrics that
 * are undefined on the data are null, with the reason in `undefinedReasons`. Unknown extra keys
 * are kept (forward-compatible).
 */
const metricValue = z.number().nullable().optional();

export const calibrationPointSchema = z.object({
  lower: z.number().min(0).max(1),
  upper: z.number().min(0).max(1),
  meanPredicted: z.number().min(0).max(1),
  observed: z.number().min(0).max(1),
  count: z.number().int().positive(),
});

export const intervalSchema = z.object({
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  level: z.number().gt(0).lt(1),
});

export const metricsRecordSchema = z.looseObject({
  task: z.enum(taskKinds).optional(),
  n: z.number().int().nonnegative().optional(),
  numClasses: z.number().int().nonnegative().optional(),
  classCounts: z.array(z.number().int().nonnegative()).optional(),
  threshold: metricValue,
  auroc: metricValue,
  auprc: metricValue,
  accuracy: metricValue,
  balancedAccuracy: metricValue,
  sensitivity: metricValue,
  specificity: metricValue,
  ppv: metricValue,
  npv: metricValue,
  f1: metricValue,
  brier: metricValue,
  ece: metricValue,
  loss: metricValue,
  rmse: metricValue,
  mae: metricValue,
  r2: metricValue,
  /** Survival: Harrell's C-index of the risk scores. */
  cIndex: metricValue,
  /** Segmentation: mean foreground Dice (dice_1, dice_2, ... per structure), voxel accuracy. */
  dice: metricValue,
  voxelAccuracy: metricValue,
  calibration: z.array(calibrationPointSchema).optional(),
  undefinedReasons: z.record(z.string(), z.string()).optional(),
  /** Bootstrap confidence intervals keyed by metric name (e.g. { auroc: { lower, upper, level: 0.95 } }). */
  intervals: z.record(z.string(), intervalSchema).optional(),
});

export type MetricsRecord = z.infer<typeof metricsRecordSchema>;
export type CalibrationPointRecord = z.infer<typeof calibrationPointSchema>;

/** The metrics a study can rank by, and whether higher is better. */
export const rankableMetrics = {
  auroc: 'higher',
  auprc: 'higher',
  accuracy: 'higher',
  balancedAccuracy: 'higher',
  f1: 'higher',
  sensitivity: 'higher',
  specificity: 'higher',
  r2: 'higher',
  cIndex: 'higher',
  dice: 'higher',
  voxelAccuracy: 'higher',
  brier: 'lower',
  ece: 'lower',
  loss: 'lower',
  rmse: 'lower',
  mae: 'lower',
} as const;

export type RankableMetric = keyof typeof rankableMetrics;
export const rankableMetricNames = Object.keys(rankableMetrics) as [RankableMetric, ...RankableMetric[]];
