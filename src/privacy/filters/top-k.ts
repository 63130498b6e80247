import { z } from 'zod';
import { absoluteValues, deltaOf, deltaSize, weightsFromDelta, type Delta } from './delta.js';
import type { FilterPlugin } from './types.js';

const schema = z.strictObject({
  /** Share of the delta's values kept, in (0, 1]: k = ⌈fraction · N⌉ over all tensors together. */
  fraction: z.number().gt(0, { error: 'expected number > 0' }).max(1, { error: 'expected number <= 1' }),
});

/**
 * Top-k sparsification: keep the k = ⌈fraction·N⌉ delta values of largest magnitude across the
 * whole model (ties at the threshold: earlier tensors, then lower indices, first) and zero the rest.
 */
export const topK: FilterPlugin<typeof schema> = {
  name: 'top-k',
  description: 'keep the largest-magnitude fraction of the delta values, zero the rest',
  schema,
  create: (options) => ({
    name: 'top-k',
    apply: (update) => {
      const delta = deltaOf('top-k', update);
      const total = deltaSize(delta);
      const k = Math.min(total, Math.max(1, Math.ceil(options.fraction * total - 1e-9)));
      const sorted = absoluteValues(delta).sort();
      const threshold = total === 0 ? 0 : sorted[total - k];
      let above = 0;
      for (let i = total - k; i < total; i++) if (sorted[i] > threshold) above++;
      keepLargest(delta, threshold, k - above);
      return {
        weights: weightsFromDelta(update, delta),
        record: { filter: 'top-k', options: { fraction: options.fraction }, effect: { kept: k, total, keptFraction: total === 0 ? 0 : k / total, threshold } },
      };
    },
  }),
};

/** Zero every value with |δ| below `threshold`, keeping only the first `atThreshold` values equal to it. */
function keepLargest(delta: Delta, threshold: number, atThreshold: number): void {
  let ties = atThreshold;
  for (const d of delta.values()) {
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i]);
      if (a > threshold) continue;
      if (a === threshold && ties > 0) ties--;
      else d[i] = 0;
    }
  }
}
