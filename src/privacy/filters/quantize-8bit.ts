import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Rng } from '../../core/random.js';

/** One tensor's delta in 8 bits: value ≈ min + code · scale, with min and scale float32 numbers. */
export interface QuantizedTensor {
  readonly codes: Uint8Array;
  readonly min: number;
  readonly scale: number;
}

export type Rounding = 'nearest' | 'stochastic';

/** Bytes of the 8-bit encoding: one per value plus min and scale as two float32 per tensor. */
export const QUANTIZED_HEADER_BYTES = 8;

/**
 * Per-tensor affine 8-bit quantisation: min = fround(min δ), scale = fround((max δ − min δ)/255),
 * code = round((δ − min)/scale) clamped to [0, 255]. `nearest` rounds half up (error ≤ scale/2);
 * `stochastic` rounds up with probability equal to the fractional part, using `rng` (unbiased,
 * error < scale). A constant tensor has scale 0 and every code 0.
 */
export function quantizeTensor(values: Float64Array | Float32Array, rounding: Rounding, rng?: Rng): QuantizedTensor {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  const codes = new Uint8Array(values.length);
  if (values.length === 0) return { codes, min: 0, scale: 0 };
  const min = Math.fround(lo);
  const scale = Math.fround((hi - lo) / 255);
  if (scale === 0) return { codes, min, scale };
  if (rounding === 'stochastic' && !rng) throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'quantizeTensor: stochastic rounding needs an Rng');
  for (let i = 0; i < values.length; i++) {
    const x = (values[i] - min) / scale;
    let q: number;
    if (rounding === 'nearest') q = Math.floor(x + 0.5);
    else {
      const f = Math.floor(x);
      q = rng!.uniform() < x - f ? f + 1 : f;
    }
    codes[i] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  return { codes, min, scale };
}

/** The exact dequantisation the coordinator sees: min + code · scale, computed in float64. */
export function dequantizeTensor(q: QuantizedTensor): Float64Array {
  const out = new Float64Array(q.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = q.min + q.codes[i] * q.scale;
  return out;
}
