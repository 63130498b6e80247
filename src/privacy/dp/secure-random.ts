import { ErrorCodes, MedfedError } from '../../core/errors.js';

/** A source of uniform doubles in [0, 1) with 53 random bits each. */
export type UniformSource = () => number;

const POOL_WORDS = 2048;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

function webCrypto(): { getRandomValues<T extends ArrayBufferView>(a: T): T } {
  const c = (globalThis as { crypto?: { getRandomValues?: unknown } }).crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new MedfedError(ErrorCodes.ENGINE_FAILURE, 'no cryptographically secure random source: globalThis.crypto.getRandomValues is missing', {
      where: 'privacy/dp/secure-random',
      hint: 'differential privacy needs Node >= 19 or a browser with the Web Crypto API',
    });
  }
  return c as { getRandomValues<T extends ArrayBufferView>(a: T): T };
}

/**
 * Uniform doubles from the platform CSPRNG (`globalThis.crypto.getRandomValues`: Node's and the
 * browsers' Web Crypto, so the code is isomorphic). Each double takes two 32-bit words: 27 bits of
 * the first and 26 of the second make a 53-bit integer k, and the value is k / 2^53, so every
 * representable multiple of 2^-53 in [0, 1) is equally likely. Words are fetched 2048 at a time
 * (getRandomValues allows at most 65536 bytes per call).
 */
export function secureUniform(): UniformSource {
  const crypto = webCrypto();
  const pool = new Uint32Array(POOL_WORDS);
  let next = POOL_WORDS;
  return () => {
    if (next + 2 > POOL_WORDS) {
      crypto.getRandomValues(pool);
      next = 0;
    }
    const hi = pool[next++] >>> 5;
    const lo = pool[next++] >>> 6;
    return (hi * TWO_POW_26 + lo) / TWO_POW_53;
  };
}

/**
 * Standard normal draws by the Box-Muller transform on pairs of 53-bit uniforms:
 * r = sqrt(-2 ln(1 - u1)) (1 - u1 lies in (0, 1], so the log is finite), z0 = r cos(2 pi u2),
 * z1 = r sin(2 pi u2); both are used, in that order.
 */
export function gaussianSource(uniform: UniformSource = secureUniform()): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** Adds N(0, std^2) to every element of `values` in place (nothing is drawn when std is 0). */
export function addGaussianNoise(values: Float32Array | Float64Array, std: number, normal: () => number): void {
  if (!(std >= 0) || !Number.isFinite(std)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `noise standard deviation must be a finite number >= 0, got ${std}`, {
      where: 'privacy.noiseMultiplier',
    });
  }
  if (std === 0) return;
  for (let i = 0; i < values.length; i++) values[i] += std * normal();
}
