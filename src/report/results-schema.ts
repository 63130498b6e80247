import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { formatZodIssues } from '../core/zod-errors.js';
import { taskKinds } from '../eval/task.js';
import { metricsRecordSchema, rankableMetricNames } from './metrics-schema.js';
import { checkResultsConsistency } from './results-consistency.js';

/** results.json, written by every study command (docs/results.md). */
const count = z.number().int().nonnegative();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 digest: 64 lowercase hex characters');

export const siteSummarySchema = z.object({
  id: z.string().min(1),
  trainExamples: count,
  testExamples: count,
  /** Binary tasks: positives (label 1) in train + test. */
  positives: count.optional(),
  /** Multi-class tasks: examples per class in train + test. */
  classCounts: z.array(count).optional(),
  /** Survival tasks: rows with the event (the rest are censored) in train + test. */
  events: count.optional(),
  /** Multi-task studies: this site's own task (e.g. "regression" for an assay of activities). */
  task: z.enum(taskKinds).optional(),
});

export const datasetSummarySchema = z.object({
  name: z.string().min(1),
  /** Provenance: where the data come from (citation or URL as text). */
  source: z.string(),
  licence: z.string(),
  rows: count,
});

export const studySummarySchema = z.object({
  name: z.string().min(1),
  title: z.string(),
  description: z.string(),
  dataset: datasetSummarySchema,
  task: z.enum(taskKinds),
  primaryMetric: z.enum(rankableMetricNames).default('auroc'),
  seed: z.number().int(),
  rounds: z.number().int().positive(),
  localEpochs: z.number().int().positive(),
  sites: z.array(siteSummarySchema).min(1),
  /** Training engine name, e.g. "tfjs-wasm". */
  engine: z.string().min(1),
  /** Classification: always predicting the pooled training set's most frequent class (the floor to beat). */
  majorityBaseline: z.object({ label: z.number().int().nonnegative(), accuracy: z.number().min(0).max(1), auroc: z.literal(0.5) }).optional(),
});

export const historyEntrySchema = z.object({
  round: z.number().int().nonnegative(),
  metrics: metricsRecordSchema,
  trainLoss: z.number().nullable().optional(),
});

export const localModelSchema = z.object({
  siteId: z.string().min(1),
  /** This site's own model on the pooled test set. */
  metrics: metricsRecordSchema,
  finalWeightsSha256: sha256Hex,
});

export const runPrivacySchema = z.object({
  mechanism: z.enum(['dp-sgd', 'dp-fedavg']),
  epsilon: z.number().nonnegative(),
  delta: z.number().gt(0).lt(1),
  clipNorm: z.number().positive(),
  targetEpsilon: z.number().positive().optional(),
  perSite: z.record(z.string(), z.object({ epsilon: z.number().nonnegative(), noiseMultiplier: z.number().nonnegative(), samplingRate: z.number().min(0).max(1), rounds: count })),
  accountant: z.enum(['rdp', 'pld']),
});

export const runKinds = ['federated', 'pooled', 'local-only'] as const;

export const runResultSchema = z.object({
  /** "<strategy or baseline>/<model>", e.g. "fedavg/mlp", "pooled/mlp", "local-only/mlp". */
  name: z.string().min(1),
  kind: z.enum(runKinds),
  /** Federated runs: the strategy label. */
  strategy: z.string().min(1).optional(),
  model: z.string().min(1),
  /** Final model on the pooled test set; for local-only the mean over the site models. */
  metrics: metricsRecordSchema,
  /** Final model on each site's test split (local-only: each site's own model on its own split). */
  perSite: z.record(z.string(), metricsRecordSchema),
  history: z.array(historyEntrySchema),
  /** sha256 of the final weights (core/weights-hash); local-only: of all site models in one file, tensors prefixed "site.<id>.". */
  finalWeightsSha256: sha256Hex,
  durationSeconds: z.number().nonnegative(),
  /** Local-only runs: each site's model. */
  localModels: z.array(localModelSchema).optional(),
  /** Differential privacy of the run: epsilon at delta (the largest any site spent) and each site's spend. */
  privacy: runPrivacySchema.optional(),
});

export const crossSiteRowSchema = z.object({
  /** e.g. "local model of site-1", "global (fedavg/mlp)", "pooled". */
  label: z.string().min(1),
  /** The run the evaluated model comes from. */
  run: z.string().min(1),
  kind: z.enum(runKinds),
  /** Local-only rows: the site that trained the model. */
  siteId: z.string().min(1).optional(),
  /** The headline metric on each site's test split, in the order of `sites` (null: undefined there). */
  values: z.array(z.number().nullable()),
});

/** Cross-site validation of one model architecture: evaluated models (rows) on every site's test split (columns). */
export const crossSiteMatrixSchema = z
  .object({
    model: z.string().min(1),
    metric: z.enum(rankableMetricNames),
    higherIsBetter: z.boolean(),
    sites: z.array(z.string().min(1)).min(1),
    rows: z.array(crossSiteRowSchema).min(1),
  })
  .superRefine((m, ctx) => {
    m.rows.forEach((r, i) => {
      if (r.values.length !== m.sites.length) {
        ctx.addIssue({ code: 'custom', path: ['rows', i, 'values'], message: `expected ${m.sites.length} values (one per site), got ${r.values.length}` });
      }
    });
  });

export const comparisonRowSchema = z.looseObject({
  model: z.string().min(1),
  run: z.string().min(1),
  kind: z.enum(runKinds),
  strategy: z.string().optional(),
  // The task's comparison metrics (eval/task.ts comparisonMetricsOf), e.g. auroc ... ece for a
  // binary task, rmse/mae/r2 for regression, cIndex for survival, dice for segmentation.
});

export const resultsSchema = z
  .object({
    schemaVersion: z.literal(1),
    tool: z.object({ name: z.literal('medfed'), version: z.string().min(1) }),
    /** ISO 8601 UTC, e.g. "2025-01-31T12:00:00.000Z". */
    createdAt: z.iso.datetime(),
    study: studySummarySchema,
    runs: z.array(runResultSchema).min(1),
    comparison: z.array(comparisonRowSchema),
    /** Cross-site validation matrices, one per model (simulator studies; absent for multi-task studies). */
    crossSite: z.array(crossSiteMatrixSchema).optional(),
    /** Survival studies: Kaplan-Meier curves per site and combined from the sites' risk-set counts only. */
    survivalCurves: z
      .object({
        grid: z.array(z.number()),
        combined: z.object({ times: z.array(z.number()), survival: z.array(z.number().min(0).max(1)), sites: z.array(z.string()) }),
        sites: z.record(z.string(), z.object({ times: z.array(z.number()), survival: z.array(z.number().min(0).max(1)) })),
        withheld: z.record(z.string(), z.string()),
      })
      .optional(),
  })
  .superRefine(checkResultsConsistency);

export type Results = z.infer<typeof resultsSchema>;
export type ResultsInput = z.input<typeof resultsSchema>;
export type RunResult = z.infer<typeof runResultSchema>;
export type RunKind = RunResult['kind'];
export type SiteSummary = z.infer<typeof siteSummarySchema>;
export type StudySummary = z.infer<typeof studySummarySchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type LocalModelResult = z.infer<typeof localModelSchema>;
export type ComparisonRow = z.infer<typeof comparisonRowSchema>;
export type CrossSiteMatrixResult = z.infer<typeof crossSiteMatrixSchema>;

/** Validate a results object (e.g. JSON.parse of results.json); throws DATA_INVALID naming each bad path. */
export function parseResults(input: unknown, where = 'results.json'): Results {
  const r = resultsSchema.safeParse(input);
  if (!r.success) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `invalid results: ${formatZodIssues(r.error)}`, {
      where,
      hint: 'results.json must follow docs/results.md (schemaVersion 1)',
    });
  }
  return r.data;
}
