import type { Tensor } from '../../core/tensors.js';
import { checkUpdates } from './check-updates.js';
import { coordinatewise, participants } from './coordinatewise.js';
import type { WeightedUpdate } from './types.js';

/**
 * Coordinate-wise weighted median (Yin et al. 2018, "Byzantine-Robust Distributed Learning"):
 * for every coordinate, the smallest value at which the cumulative weight of the sorted values
 * reaches half the total; when it reaches exactly half, the mean of that value and the next.
 * With equal weights this is the ordinary median (the middle value, or the mean of the two middle
 * values for an even count). Updates with weight 0 take no part. Strategies pass equal weights by
 * default, since a Byzantine site could claim any example count.
 */
export function coordinateMedian(updates: readonly WeightedUpdate[]): Map<string, Tensor> {
  checkUpdates(updates, 'median');
  return coordinatewise(participants(updates), weightedMedianOfSorted);
}

/** Weighted median of values sorted ascending with positive weights (see coordinateMedian). */
export function weightedMedianOfSorted(values: Float64Array, weights: Float64Array): number {
  let total = 0;
  for (let j = 0; j < weights.length; j++) total += weights[j];
  const half = total / 2;
  const tolerance = 1e-12 * total;
  let cumulative = 0;
  for (let j = 0; j < values.length; j++) {
    cumulative += weights[j];
    if (Math.abs(cumulative - half) <= tolerance && j + 1 < values.length) return (values[j] + values[j + 1]) / 2;
    if (cumulative > half) return values[j];
  }
  return values[values.length - 1];
}
