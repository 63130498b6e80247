import { z } from 'zod';
import { deltaNorm, deltaOf, weightsFromDelta } from './delta.js';
import type { FilterPlugin } from './types.js';

const schema = z.strictObject({
  /** Largest L2 norm of the whole delta (all tensors together) that leaves the site. */
  maxNorm: z.number().gt(0, { error: 'expected number > 0' }).refine(Number.isFinite, { error: 'expected a finite number' }),
});

/** L2 norm clipping: δ ← δ · min(1, maxNorm / ‖δ‖₂) over all tensors together. */
export const normClip: FilterPlugin<typeof schema> = {
  name: 'norm-clip',
  description: 'scale the whole delta down to L2 norm maxNorm when it is larger',
  schema,
  create: (options) => ({
    name: 'norm-clip',
    apply: (update) => {
      const delta = deltaOf('norm-clip', update);
      const normBefore = deltaNorm(delta);
      const scale = normBefore > options.maxNorm ? options.maxNorm / normBefore : 1;
      if (scale < 1) for (const d of delta.values()) for (let i = 0; i < d.length; i++) d[i] *= scale;
      return {
        weights: weightsFromDelta(update, delta),
        record: {
          filter: 'norm-clip',
          options: { maxNorm: options.maxNorm },
          effect: { normBefore, normAfter: normBefore * scale, scale, clipped: scale < 1 ? 1 : 0 },
        },
      };
    },
  }),
};
