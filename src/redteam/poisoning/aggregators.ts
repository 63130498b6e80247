import type { Weights } from '../../core/tensors.js';
import { coordinateMedian } from '../../strategies/aggregators/coordinate-median.js';
import { krum } from '../../strategies/aggregators/krum.js';
import { deltaNorm, normBound } from '../../strategies/aggregators/norm-bound.js';
import { trimmedMean } from '../../strategies/aggregators/trimmed-mean.js';
import type { Aggregator, WeightedUpdate } from '../../strategies/aggregators/types.js';
import { weightedMean } from '../../strategies/aggregators/weighted-mean.js';

export const poisoningAggregatorNames = ['fedavg', 'median', 'trimmed-mean', 'krum', 'multi-krum', 'norm-bound'] as const;
export type PoisoningAggregatorName = (typeof poisoningAggregatorNames)[number];

/**
 * The server rules under attack, configured for f assumed-Byzantine sites out of n: trimmed mean
 * with beta = f / n, Krum and Multi-Krum with that f, norm bounding with the bound set each round
 * to the median delta norm of the replies (a server can compute it without knowing who is honest;
 * the registry's fixed default of 5 is for larger models). Replies are weighted equally.
 */
export function poisoningAggregator(name: PoisoningAggregatorName, n: number, f: number): (updates: readonly WeightedUpdate[], global: Weights) => Map<string, import('../../core/tensors.js').Tensor> {
  const fixed: Record<Exclude<PoisoningAggregatorName, 'norm-bound'>, Aggregator> = {
    fedavg: weightedMean,
    median: coordinateMedian,
    'trimmed-mean': trimmedMean({ beta: f / n }),
    krum: krum({ f, m: 1 }),
    'multi-krum': krum({ f }),
  };
  if (name !== 'norm-bound') return (updates, global) => fixed[name](updates, { global });
  return (updates, global) => {
    const norms = updates.map((u) => deltaNorm(u.weights, global)).sort((a, b) => a - b);
    const mid = norms.length >> 1;
    const bound = norms.length % 2 ? norms[mid] : (norms[mid - 1] + norms[mid]) / 2;
    return normBound({ bound: Math.max(bound, 1e-12) })(updates, { global });
  };
}
