import type { Dataset } from '../core/dataset.js';
import type { Weights } from '../core/tensors.js';
import type { TrainableModel } from '../engine/engine.js';
import { evaluatePredictions } from '../eval/evaluate.js';
import type { Metrics } from '../eval/metrics-types.js';
import { meanOfMetrics } from '../report/mean-metrics.js';

/**
 * Simulator-only: scores any model on the pooled test set (the union of every site's held-out
 * split). A real deployment has no pooled test set; there each site reports its own metrics.
 */
export class PooledEvaluator {
  constructor(
    private readonly model: TrainableModel,
    readonly test: Dataset,
  ) {}

  private queue: Promise<unknown> = Promise.resolve();

  /** Safe to call concurrently: evaluations of the shared model run one after the other. */
  evaluate(weights: Weights): Promise<Metrics & { loss: number }> {
    const next = this.queue.then(async () => {
      this.model.setWeights(weights);
      const probs = await this.model.predict(this.test.x, this.test.n);
      const outputs = probs.length / this.test.n;
      const loss = await this.model.evaluateLoss(this.test);
      return { ...evaluatePredictions(probs, this.test.y, outputs, { where: 'pooled test set' }), loss };
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Mean of several models' metrics (local-only baseline: one model per site). */
  async evaluateMean(models: readonly Weights[]): Promise<Record<string, number | null>> {
    const all = [];
    for (const w of models) all.push(summaryMetrics(await this.evaluate(w)));
    return summaryMetrics(meanOfMetrics(all) as Metrics);
  }
}

/** The scalar metrics of a Metrics object, for results and reports. */
export function summaryMetrics(m: Metrics & { loss?: number }): Record<string, number | null> {
  const keys = ['auroc', 'auprc', 'accuracy', 'balancedAccuracy', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'brier', 'ece', 'loss'] as const;
  const out: Record<string, number | null> = {};
  for (const k of keys) {
    const v = (m as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number' || v === null) out[k] = v;
  }
  return out;
}
