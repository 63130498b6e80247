import { z } from 'zod';
import { deltaNorm, deltaOf, weightsFromDelta } from '../filters/delta.js';
import type { FilterPlugin, UpdateFilter } from '../filters/types.js';
import { gaussianSource, type UniformSource } from './secure-random.js';

const schema = z.strictObject({
  /** L2 bound C of the whole delta (all tensors together). */
  clipNorm: z.number().gt(0, { error: 'expected number > 0' }).refine(Number.isFinite, { error: 'expected a finite number' }),
  /** sigma: the site adds N(0, (sigma C)^2) to every value of the clipped delta. */
  noiseMultiplier: z.number().min(0, { error: 'expected number >= 0' }).refine(Number.isFinite, { error: 'expected a finite number' }),
});
export type DpGaussianOptions = z.output<typeof schema>;

/**
 * The site-side variant of DP-FedAvg: the site clips its delta to C and adds N(0, (sigma C)^2)
 * per value BEFORE it releases the update, so the coordinator never sees an un-noised update
 * (no trusted server). Each release is a Gaussian mechanism with multiplier sigma on the site's
 * whole dataset; averaging n such updates leaves noise std sigma C / sqrt(n) in the mean, against
 * sigma C / n when a trusted server adds the noise once (strategy "dp-fedavg").
 * Noise comes from the CSPRNG unless a uniform source is injected (tests).
 */
export function createDpGaussianFilter(options: DpGaussianOptions, uniform?: UniformSource): UpdateFilter {
  const normal = gaussianSource(uniform);
  return {
    name: 'dp-gaussian',
    apply: (update) => {
      const delta = deltaOf('dp-gaussian', update);
      const normBefore = deltaNorm(delta);
      const scale = normBefore > options.clipNorm ? options.clipNorm / normBefore : 1;
      const std = options.noiseMultiplier * options.clipNorm;
      for (const d of delta.values()) {
        for (let i = 0; i < d.length; i++) d[i] = d[i] * scale + (std > 0 ? std * normal() : 0);
      }
      return {
        weights: weightsFromDelta(update, delta),
        record: {
          filter: 'dp-gaussian',
          options: { clipNorm: options.clipNorm, noiseMultiplier: options.noiseMultiplier },
          effect: { normBefore, clipped: scale < 1 ? 1 : 0, noiseStd: std },
        },
      };
    },
  };
}

/** The filter plug-in ("dp-gaussian") for a site's filter chain. */
export const dpGaussianFilter: FilterPlugin<typeof schema> = {
  name: 'dp-gaussian',
  description: 'client-level DP at the site: clip the whole delta to L2 norm clipNorm, add Gaussian noise (sigma * clipNorm) from the CSPRNG',
  schema,
  create: (options) => createDpGaussianFilter(options),
};
