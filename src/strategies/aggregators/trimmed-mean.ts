import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensors.js';
import { checkUpdates } from './check-updates.js';
import { coordinatewise, participants } from './coordinatewise.js';
import type { Aggregator, WeightedUpdate } from './types.js';

export interface TrimmedMeanOptions {
  /** Fraction of the updates dropped at EACH end of every coordinate, in [0, 0.5). */
  readonly beta: number;
}

/**
 * Coordinate-wise trimmed mean (Yin et al. 2018): for every coordinate, drop the k = ⌊β·n⌋
 * smallest and the k largest of the n values, and take the weighted mean of the rest (n − 2k ≥ 1
 * since β < 0.5). Counts are of updates with positive weight; β = 0 is the weighted mean.
 * Tolerates up to k arbitrary updates per coordinate.
 */
export function trimmedMean(options: TrimmedMeanOptions): Aggregator {
  const { beta } = options;
  if (!(Number.isFinite(beta) && beta >= 0 && beta < 0.5)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `trimmed-mean: beta = ${beta}; it must be in [0, 0.5)`, {
      where: 'options.beta',
      hint: 'beta is the fraction trimmed at each end, e.g. 0.1 for 10% of the lowest and 10% of the highest values',
    });
  }
  return (updates: readonly WeightedUpdate[]): Map<string, Tensor> => {
    checkUpdates(updates, 'trimmed-mean');
    const taking = participants(updates);
    const k = trimCount(beta, taking.length);
    return coordinatewise(taking, (values, weights) => {
      let sum = 0;
      let total = 0;
      for (let j = k; j < values.length - k; j++) {
        sum += weights[j] * values[j];
        total += weights[j];
      }
      return sum / total;
    });
  };
}

/** Values trimmed at each end: ⌊β·n⌋ (guarding against β·n landing just below an integer), leaving at least one. */
export function trimCount(beta: number, n: number): number {
  return Math.min(Math.floor(beta * n + 1e-9), Math.floor((n - 1) / 2));
}
