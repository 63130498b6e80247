import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { randomBytes, wordsLE } from './bytes.js';
import { quantisationScale, type SecAggConfig } from './config.js';

/**
 * Fixed-point encoding. x is clipped to [-R, R], multiplied by scale = (2^(b-1) - 1 - N) / (N R)
 * and rounded to an integer, stored mod 2^b (two's complement). The sum of at most N such values
 * has magnitude < 2^(b-1), so it decodes without wrapping.
 * Rounding: 'stochastic' rounds v up with probability frac(v) (unbiased, coins from the CSPRNG),
 * error per value < 1/scale; 'nearest' rounds half away from zero, error per value <= 0.5/scale.
 * Clipping error is not part of these bounds: inputs outside [-R, R] are changed by clipping.
 */
export function quantise(values: ArrayLike<number>, c: SecAggConfig): Uint32Array {
  const scale = quantisationScale(c);
  const modMask = c.modulusBits === 32 ? 0xffffffff : 2 ** c.modulusBits - 1;
  const out = new Uint32Array(values.length);
  const coins = c.rounding === 'stochastic' ? wordsLE(randomBytes(values.length * 4)) : undefined;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) {
      throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `secure aggregation input [${i}] is ${x}; only finite values can be summed`, {
        where: `secagg input[${i}]`,
      });
    }
    const v = Math.min(c.clipRange, Math.max(-c.clipRange, x)) * scale;
    let q: number;
    if (coins) {
      const f = Math.floor(v);
      q = f + (coins[i] / 2 ** 32 < v - f ? 1 : 0);
    } else {
      q = Math.sign(v) * Math.round(Math.abs(v));
    }
    out[i] = q & modMask;
  }
  return out;
}

/** Decode a sum of `quantise` outputs (mod 2^b, two's complement) back to floats. */
export function dequantiseSum(sum: Uint32Array, c: SecAggConfig): Float64Array {
  const scale = quantisationScale(c);
  const modulus = 2 ** c.modulusBits;
  const half = 2 ** (c.modulusBits - 1);
  const out = new Float64Array(sum.length);
  for (let i = 0; i < sum.length; i++) {
    const u = sum[i];
    out[i] = (u >= half ? u - modulus : u) / scale;
  }
  return out;
}

/** Worst-case |decoded sum - sum of clipped inputs| for `clients` inputs under the config's rounding. */
export function quantisationErrorBound(clients: number, c: SecAggConfig): number {
  return (clients * (c.rounding === 'stochastic' ? 1 : 0.5)) / quantisationScale(c);
}
