import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Aggregator } from './types.js';
import { weightedMean } from './weighted-mean.js';

/** Aggregation rules by name; robust rules (median, trimmed mean, Krum) register here too. */
const aggregators = new Map<string, Aggregator>([['weighted-mean', weightedMean]]);

export function getAggregator(name: string, where?: string): Aggregator {
  const a = aggregators.get(name);
  if (!a) {
    throw new MedfedError(ErrorCodes.UNKNOWN_NAME, `unknown aggregator "${name}"; registered: ${listAggregators().join(', ')}`, { where });
  }
  return a;
}

export function listAggregators(): string[] {
  return [...aggregators.keys()].sort();
}
