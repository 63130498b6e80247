import { z } from 'zod';
import { Rng } from '../../core/random.js';
import { deltaOf, weightsFromDelta } from './delta.js';
import { dequantizeTensor, QUANTIZED_HEADER_BYTES, quantizeTensor } from './quantize-8bit.js';
import type { FilterPlugin } from './types.js';

const schema = z.strictObject({
  /** `nearest` (deterministic, the default) or `stochastic` (unbiased, seeded). */
  rounding: z.enum(['nearest', 'stochastic'], { error: 'expected one of "nearest", "stochastic"' }).default('nearest'),
  /** Seed of the stochastic rounding when the context brings no Rng (mixed with the round number). */
  seed: z.number().int({ error: 'expected an integer' }).default(0),
});

/**
 * 8-bit quantisation of the delta for compression: each tensor's delta is quantised
 * (quantizeTensor) and replaced by its exact dequantisation, so the weights that leave the site
 * are exactly what an 8-bit encoding decodes to. Records the bytes of the float32 delta, of the
 * 8-bit encoding (1 byte a value + 8 a tensor), the bytes saved and the largest error measured.
 */
export const quantize8bit: FilterPlugin<typeof schema> = {
  name: 'quantize-8bit',
  description: 'per-tensor affine 8-bit quantisation of the delta (min/max scaling), sent dequantised',
  schema,
  create: (options) => ({
    name: 'quantize-8bit',
    apply: (update, ctx) => {
      const delta = deltaOf('quantize-8bit', update);
      const rng = options.rounding === 'stochastic' ? (ctx.rng ?? Rng.derive(options.seed, 'quantize-8bit', ctx.round ?? 0)) : undefined;
      let values = 0;
      let maxAbsError = 0;
      for (const [name, d] of delta) {
        const approx = dequantizeTensor(quantizeTensor(d, options.rounding, rng));
        for (let i = 0; i < d.length; i++) maxAbsError = Math.max(maxAbsError, Math.abs(approx[i] - d[i]));
        delta.set(name, approx);
        values += d.length;
      }
      const bytesBefore = 4 * values;
      const bytesAfter = values + QUANTIZED_HEADER_BYTES * delta.size;
      return {
        weights: weightsFromDelta(update, delta),
        record: {
          filter: 'quantize-8bit',
          options: { rounding: options.rounding, seed: options.seed },
          effect: { bytesBefore, bytesAfter, bytesSaved: bytesBefore - bytesAfter, maxAbsError },
        },
      };
    },
  }),
};
