import type { ComparisonRow, RunResult } from './results-schema.js';

const order = { pooled: 0, 'local-only': 1, federated: 2 } as const;

/**
 * The comparison table of results.json from the runs: one row per run with its final metrics on
 * the pooled test set, grouped by model, baselines first (pooled, local-only), then strategies.
 */
export function buildComparison(runs: readonly RunResult[]): ComparisonRow[] {
  const models = [...new Set(runs.map((r) => r.model))];
  return models.flatMap((model) =>
    runs
      .filter((r) => r.model === model)
      .sort((a, b) => order[a.kind] - order[b.kind])
      .map((r) => ({
        model,
        run: r.name,
        kind: r.kind,
        ...(r.strategy ? { strategy: r.strategy } : {}),
        auroc: r.metrics.auroc ?? null,
        auprc: r.metrics.auprc ?? null,
        accuracy: r.metrics.accuracy ?? null,
        sensitivity: r.metrics.sensitivity ?? null,
        specificity: r.metrics.specificity ?? null,
        brier: r.metrics.brier ?? null,
        ece: r.metrics.ece ?? null,
      })),
  );
}
