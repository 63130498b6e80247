import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { coordinateMedian } from './coordinate-median.js';
import { krum } from './krum.js';
import { normBound } from './norm-bound.js';
import { trimmedMean } from './trimmed-mean.js';
import type { Aggregator } from './types.js';
import { weightedMean } from './weighted-mean.js';

/** A registered rule with its default options bound, and whether it needs `context.global`. */
export interface AggregatorEntry {
  readonly aggregate: Aggregator;
  readonly needsGlobal: boolean;
  readonly description: string;
}

/**
 * Aggregation rules by name, with default options (configured instances come from the factories:
 * `trimmedMean({ beta })`, `krum({ f, m })`, `normBound({ bound })`).
 */
const aggregators = new Map<string, AggregatorEntry>([
  ['weighted-mean', { aggregate: weightedMean, needsGlobal: false, description: 'Σ w_i·x_i / Σ w_i' }],
  ['median', { aggregate: coordinateMedian, needsGlobal: false, description: 'coordinate-wise weighted median' }],
  ['trimmed-mean', { aggregate: trimmedMean({ beta: 0.1 }), needsGlobal: false, description: 'coordinate-wise mean without the ⌊0.1·n⌋ lowest and highest values' }],
  ['krum', { aggregate: krum({ f: 0, m: 1 }), needsGlobal: false, description: 'the update closest to its n − 2 nearest neighbours (f = 0)' }],
  ['multi-krum', { aggregate: krum({ f: 0 }), needsGlobal: false, description: 'mean of the n − f best Krum-scored updates (f = 0)' }],
  ['norm-bound', { aggregate: normBound({ bound: 5 }), needsGlobal: true, description: 'weighted mean of deltas clipped to L2 norm 5' }],
]);

export function getAggregator(name: string, where?: string): Aggregator {
  return aggregatorEntry(name, where).aggregate;
}

/** The registered entry (rule, whether it needs the global model, one-line description). */
export function aggregatorEntry(name: string, where?: string): AggregatorEntry {
  const a = aggregators.get(name);
  if (!a) {
    throw new MedfedError(ErrorCodes.UNKNOWN_NAME, `unknown aggregator "${name}"; registered: ${listAggregators().join(', ')}`, { where });
  }
  return a;
}

/** Add a rule under a new name (names are unique). */
export function registerAggregator(name: string, entry: AggregatorEntry): void {
  if (aggregators.has(name)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `an aggregator named "${name}" is already registered`, { hint: 'give the rule another name' });
  }
  aggregators.set(name, entry);
}

export function listAggregators(): string[] {
  return [...aggregators.keys()].sort();
}
