import { z } from 'zod';
import { absoluteValues, deltaOf, deltaSize, weightsFromDelta } from './delta.js';
import type { FilterPlugin } from './types.js';

const schema = z.strictObject({
  /** p in [0, 100): values with |δ| below the p-th percentile of |δ| are zeroed. */
  percentile: z.number().min(0, { error: 'expected number >= 0' }).lt(100, { error: 'expected number < 100' }),
});

/**
 * Percentile sparsification (the "largest percentile to share" policy of Shokri and Shmatikov,
 * CCS 2015, as in NVFlare's PercentilePrivacy): t = the p-th percentile of |δ| over all tensors
 * (linear interpolation between order statistics, numpy's default); values with |δ| < t are zeroed.
 */
export const percentileSparsify: FilterPlugin<typeof schema> = {
  name: 'percentile',
  description: 'zero the delta values whose magnitude is below the p-th percentile',
  schema,
  create: (options) => ({
    name: 'percentile',
    apply: (update) => {
      const delta = deltaOf('percentile', update);
      const total = deltaSize(delta);
      const threshold = total === 0 ? 0 : percentileOfSorted(absoluteValues(delta).sort(), options.percentile);
      let kept = 0;
      for (const d of delta.values()) {
        for (let i = 0; i < d.length; i++) {
          if (Math.abs(d[i]) < threshold) d[i] = 0;
          else kept++;
        }
      }
      return {
        weights: weightsFromDelta(update, delta),
        record: { filter: 'percentile', options: { percentile: options.percentile }, effect: { threshold, kept, total, keptFraction: total === 0 ? 0 : kept / total } },
      };
    },
  }),
};

/** The p-th percentile of ascending values: linear interpolation at position (N − 1)·p/100. */
export function percentileOfSorted(sorted: Float64Array, p: number): number {
  const pos = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
