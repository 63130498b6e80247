import { rankableMetrics, type RankableMetric } from './metrics-schema.js';
import type { RunResult } from './results-schema.js';

/** Name of the federated run of `model` with the best final `metric` (ties: first listed); null if none is defined. */
export function bestFederatedRun(runs: readonly RunResult[], model: string, metric: RankableMetric): string | null {
  const sign = rankableMetrics[metric] === 'higher' ? 1 : -1;
  let best: { name: string; value: number } | null = null;
  for (const run of runs) {
    if (run.kind !== 'federated' || run.model !== model) continue;
    const value = run.metrics[metric];
    if (typeof value !== 'number') continue;
    if (best === null || sign * (value - best.value) > 0) best = { name: run.name, value };
  }
  return best?.name ?? null;
}

/** Models in order of first appearance. */
export function modelsOf(runs: readonly RunResult[]): string[] {
  return [...new Set(runs.map((r) => r.model))];
}
