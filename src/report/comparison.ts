import { comparisonMetricsOf, type TaskKind } from '../eval/task.js';
import type { ComparisonRow, RunResult } from './results-schema.js';

const order = { pooled: 0, 'local-only': 1, federated: 2 } as const;

/**
 * The comparison table of results.json from the runs: one row per run with its final metrics on
 * the pooled test set, grouped by model, baselines first (pooled, local-only), then strategies.
 */
export function buildComparison(runs: readonly RunResult[], task: TaskKind = 'binary'): ComparisonRow[] {
  const columns = comparisonMetricsOf[task];
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
        ...Object.fromEntries(columns.map((c) => [c, typeof r.metrics[c] === 'number' ? r.metrics[c] : null])),
      })),
  );
}
