import { ErrorCodes, MedfedError } from '../../core/errors.js';

/**
 * The two small distributions of RLWE public-key encryption, drawn from the platform CSPRNG
 * (`globalThis.crypto.getRandomValues`, Web Crypto in Node and browsers), with the same
 * distributions SEAL 4 uses in `encrypt_zero_asymmetric`:
 * - `ternary`: u uniform in {−1, 0, 1} (SEAL's `sample_poly_ternary`);
 * - `centeredBinomial`: e = (popcount of 21 random bits) − (popcount of 21 others), σ = √10.5 ≈ 3.24
 *   (SEAL's default noise sampler `sample_poly_cbd`).
 * Random bytes are fetched 64 KiB at a time (getRandomValues' limit per call).
 */
export class RlweSampler {
  private readonly pool = new Uint32Array(16384);
  private next = this.pool.length;
  private readonly crypto: { getRandomValues<T extends ArrayBufferView>(a: T): T };

  constructor() {
    const c = (globalThis as { crypto?: { getRandomValues?: unknown } }).crypto;
    if (!c || typeof c.getRandomValues !== 'function') {
      throw new MedfedError(ErrorCodes.ENGINE_FAILURE, 'no cryptographically secure random source: globalThis.crypto.getRandomValues is missing', {
        where: 'privacy/he',
        hint: 'CKKS encryption needs Node >= 19 or a browser with the Web Crypto API',
      });
    }
    this.crypto = c as RlweSampler['crypto'];
  }

  private word(): number {
    if (this.next === this.pool.length) {
      this.crypto.getRandomValues(this.pool);
      this.next = 0;
    }
    return this.pool[this.next++];
  }

  /**
   * `out[from … from + count)` = uniform ternary values as residues mod q (−1 as q − 1). Each 32-bit
   * word gives up to four draws: bytes ≥ 255 are rejected, the others taken mod 3.
   */
  ternary(out: Float64Array, from: number, count: number, q: number): void {
    let i = from;
    const end = from + count;
    while (i < end) {
      let w = this.word();
      for (let k = 0; k < 4 && i < end; k++, w >>>= 8) {
        const b = w & 255;
        if (b === 255) continue;
        const v = b % 3;
        out[i++] = v === 2 ? q - 1 : v;
      }
    }
  }

  /** Adds centred-binomial noise (21 + 21 bits) to `out[from … from + count)`, as signed integers. */
  addCenteredBinomial(out: Float64Array, from: number, count: number): void {
    for (let i = from; i < from + count; i++) out[i] += popcount21(this.word()) - popcount21(this.word());
  }
}

function popcount21(w: number): number {
  let x = w & 0x1fffff;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
