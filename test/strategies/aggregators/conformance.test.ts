import type { Weights } from '../../../src/core/tensors.js';
import { aggregatorEntry, listAggregators } from '../../../src/strategies/aggregators/registry.js';
import type { Aggregator } from '../../../src/strategies/aggregators/types.js';
import { weightedMean } from '../../../src/strategies/aggregators/weighted-mean.js';
import { aggregatorConformance } from './conformance.js';

/**
 * Rules that work on deltas get a global model inside the inputs' range: their plain mean (or, when
 * the mean itself rejects the input, the first update, so the rule's own checks report the error).
 */
function withMeanAsGlobal(aggregate: Aggregator): Aggregator {
  return (updates) => {
    let global: Weights;
    try {
      global = weightedMean(updates);
    } catch {
      global = updates[0]?.weights ?? new Map();
    }
    return aggregate(updates, { global });
  };
}

for (const name of listAggregators()) {
  const entry = aggregatorEntry(name);
  aggregatorConformance(name, entry.needsGlobal ? withMeanAsGlobal(entry.aggregate) : entry.aggregate);
}
