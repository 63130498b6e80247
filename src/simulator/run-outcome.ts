import type { Scalars } from '../core/messages.js';
import type { TrainingSpec } from '../core/study-spec.js';
import type { Weights } from '../core/tensors.js';
import { weightsSha256 } from '../core/weights-hash.js';
import type { MetricsRecord } from '../report/metrics-schema.js';
import { meanOfMetrics } from '../report/mean-metrics.js';
import type { RunPrivacy } from '../privacy/dp/run-privacy.js';

type MetricRecord = Record<string, number | null>;

/** One run of a study (a strategy, or a baseline) on one model, as results.json records it. */
export interface RunOutcome {
  readonly name: string;
  readonly kind: 'federated' | 'pooled' | 'local-only';
  readonly strategy?: string;
  readonly strategyOptions?: Scalars;
  readonly model: string;
  /** Final metrics on the pooled test set (local-only: mean over the sites' models). */
  readonly metrics: MetricsRecord;
  /** Final model on each site's test split (local-only: each site's own model); classification: with bootstrap intervals (cross-site.ts). */
  readonly perSite: Record<string, MetricsRecord>;
  readonly history: { round: number; metrics: MetricRecord; trainLoss: number; sites: number; failed: string[] }[];
  readonly finalWeightsSha256: string;
  readonly localModels?: { siteId: string; metrics: MetricRecord; finalWeightsSha256: string }[];
  readonly training: Partial<TrainingSpec>;
  readonly durationSeconds: number;
  /** Final weights (not serialised into results.json; written as safetensors beside it). */
  readonly weights: Weights;
  /** Differential privacy of the run (DP-SGD: epsilon spent per site). */
  readonly privacy?: RunPrivacy;
}

export function runRecord(o: {
  privacy?: RunPrivacy;
  name: string;
  kind: RunOutcome['kind'];
  strategy?: string;
  strategyOptions?: Scalars;
  model: string;
  final: Weights;
  /** Full metrics of the final model on the pooled test set (with calibration); default: the last round's. */
  finalMetrics?: MetricsRecord;
  history: RunOutcome['history'];
  perSite: Readonly<Record<string, MetricRecord>>;
  localModels?: { siteId: string; weights: Weights; metrics: MetricRecord }[];
  training: Partial<TrainingSpec>;
  durationSeconds: number;
}): RunOutcome {
  const last = o.history[o.history.length - 1];
  // Local-only has one model per site: its "final weights" are all of them, prefixed by site.
  const weights: Weights = o.localModels
    ? new Map(o.localModels.flatMap((l) => [...l.weights].map(([k, t]) => [`site.${l.siteId}.${k}`, t] as const)))
    : o.final;
  return {
    name: o.name,
    kind: o.kind,
    strategy: o.strategy,
    strategyOptions: o.strategyOptions,
    model: o.model,
    metrics: o.localModels ? meanOfMetrics(o.localModels.map((l) => l.metrics)) : (o.finalMetrics ?? last.metrics),
    perSite: Object.fromEntries(Object.entries(o.perSite).sort(([a], [b]) => (a < b ? -1 : 1))),
    history: o.history,
    finalWeightsSha256: weightsSha256(weights),
    localModels: o.localModels?.map((l) => ({ siteId: l.siteId, metrics: l.metrics, finalWeightsSha256: weightsSha256(l.weights) })),
    training: o.training,
    durationSeconds: o.durationSeconds,
    weights,
    ...(o.privacy ? { privacy: o.privacy } : {}),
  };
}
