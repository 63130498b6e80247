import type { Dataset } from '../core/dataset.js';
import { modelLayout } from '../core/model-params.js';
import type { Weights } from '../core/tensors.js';
import type { TrainableModel } from '../engine/engine.js';
import { evaluateOutputs, type TaskMetrics } from '../eval/evaluate-outputs.js';
import { bootstrapMetric } from '../eval/bootstrap-metric.js';
import { deriveSeed } from '../core/random.js';
import { meanOfMetrics } from '../report/mean-metrics.js';
import type { MetricsRecord } from '../report/metrics-schema.js';

/**
 * Simulator-only: scores any model on the pooled test set (the union of every site's held-out
 * split). A real deployment has no pooled test set; there each site reports its own metrics.
 */
export class PooledEvaluator {
  /** The model's output per example (e.g. [2] for two class probabilities, [16, 16, 16, 4] per voxel). */
  private readonly outputShape: readonly number[];

  constructor(
    private readonly model: TrainableModel,
    readonly test: Dataset,
  ) {
    this.outputShape = modelLayout(model.spec).outputShape;
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Safe to call concurrently: evaluations of the shared model run one after the other. */
  evaluate(weights: Weights): Promise<TaskMetrics & { loss: number }> {
    const next = this.queue.then(async () => {
      this.model.setWeights(weights);
      const outputs = await this.model.predict(this.test.x, this.test.n);
      const loss = await this.model.evaluateLoss(this.test);
      return { ...evaluateOutputs(this.model.spec.loss, outputs, this.test.y, this.outputShape, this.test.n, { where: 'pooled test set' }), loss };
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Final metrics with bootstrap 95% intervals (1,000 resamples of the pooled test set, stratified by
   * class, seeded) of AUROC and accuracy for classifiers, so a report can say how sure a difference is.
   */
  async evaluateFinal(weights: Weights, seed: number): Promise<TaskMetrics & { loss: number }> {
    const metrics = await this.evaluate(weights);
    if (metrics.task !== 'binary' && metrics.task !== 'multiclass') return metrics;
    const outputs = await this.serial(async () => {
      this.model.setWeights(weights);
      return this.model.predict(this.test.x, this.test.n);
    });
    const intervals: Record<string, { lower: number | null; upper: number | null; level: number }> = {};
    for (const name of ['auroc', 'accuracy'] as const) {
      if (typeof metrics[name] !== 'number') continue;
      const ci = bootstrapMetric(outputs, this.test.y, this.outputShape[0], name, { resamples: 1000, level: 0.95, seed: deriveSeed(seed, 'bootstrap', name), stratifyByLabel: true });
      intervals[name] = { lower: ci.lower, upper: ci.upper, level: 0.95 };
    }
    return { ...metrics, intervals };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Mean of several models' metrics (local-only baseline: one model per site). */
  async evaluateMean(models: readonly Weights[]): Promise<Record<string, number | null>> {
    const all = [];
    for (const w of models) all.push(summaryMetrics(await this.evaluate(w)));
    return summaryMetrics(meanOfMetrics(all));
  }
}

/** Counts, not metrics: left out of summaries (and never averaged). */
const notMetrics = new Set(['n', 'numClasses', 'threshold', 'voxels']);

/** The scalar metrics of a metrics object (numbers and nulls, not counts), for results and reports. */
export function summaryMetrics(m: MetricsRecord | TaskMetrics): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m)) {
    if (!notMetrics.has(k) && (typeof v === 'number' || v === null)) out[k] = v;
  }
  return out;
}
