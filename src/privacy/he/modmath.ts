/**
 * Arithmetic modulo one prime q < 2^50 on JS doubles (exact), and SEAL's negacyclic NTT.
 * Multiparty CKKS works on the RNS coefficients SEAL serialises (NTT form), so the NTT here
 * reproduces SEAL's `ntt_negacyclic_harvey` exactly: the minimal primitive 2N-th root of unity,
 * its powers stored in bit-reversed order, Cooley-Tukey butterflies.
 */

const T26 = 2 ** 26;
const INV26 = 2 ** -26;
const INV52 = 2 ** -52;
const T51 = 2 ** 51;
const T52 = 2 ** 52;
/** Largest modulus this arithmetic supports (exclusive). */
export const MAX_MODULUS = 2 ** 50;

/** A prime modulus with its precomputed reciprocal. */
export class Modulus {
  readonly inv: number;
  private readonly qHi: number;
  private readonly qLo: number;
  constructor(readonly q: number) {
    if (!Number.isSafeInteger(q) || q < 3 || q >= MAX_MODULUS) throw new RangeError(`modulus must be an odd integer in [3, 2^50), got ${q}`);
    this.inv = 1 / q;
    this.qHi = Math.floor(q * INV26);
    this.qLo = q - this.qHi * T26;
  }

  /**
   * (a * b) mod q for 0 <= a, b < q, exactly. The quotient k = floor(a b / q) is estimated in
   * floating point (off by at most one, as a b / q < 2^50 carries a relative error < 2^-51), and
   * r = a b - k q, which lies in (-q, 2q), is computed exactly modulo 2^52 from 26-bit halves
   * (every partial product < 2^52). Powers-of-two reductions use floor: V8's `%` on doubles is a
   * slow libc call.
   */
  mul(a: number, b: number): number {
    const q = this.q;
    const k = Math.floor(a * b * this.inv);
    const a1 = Math.floor(a * INV26);
    const a0 = a - a1 * T26;
    const b1 = Math.floor(b * INV26);
    const b0 = b - b1 * T26;
    const k1 = Math.floor(k * INV26);
    const k0 = k - k1 * T26;
    let mid = a1 * b0 - k1 * this.qLo + (a0 * b1 - k0 * this.qHi);
    mid -= Math.floor(mid * INV26) * T26;
    let r = a0 * b0 - k0 * this.qLo + mid * T26;
    r -= Math.floor(r * INV52) * T52;
    if (r >= T51) r -= T52;
    if (r < 0) r += q;
    if (r >= q) r -= q;
    return r;
  }

  add(a: number, b: number): number {
    const s = a + b;
    return s >= this.q ? s - this.q : s;
  }

  sub(a: number, b: number): number {
    const s = a - b;
    return s < 0 ? s + this.q : s;
  }

  /** A signed integer |v| < 2^52 as its residue in [0, q). */
  reduce(v: number): number {
    const r = v % this.q;
    return r < 0 ? r + this.q : r;
  }

  pow(base: number, exp: bigint): number {
    let result = 1n;
    let b = BigInt(base) % BigInt(this.q);
    const q = BigInt(this.q);
    let e = exp;
    while (e > 0n) {
      if (e & 1n) result = (result * b) % q;
      b = (b * b) % q;
      e >>= 1n;
    }
    return Number(result);
  }

  inverse(a: number): number {
    return this.pow(a, BigInt(this.q - 2));
  }
}

function reverseBits(x: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) r = (r << 1) | ((x >>> i) & 1);
  return r >>> 0;
}

/** The smallest primitive 2N-th root of unity mod q (SEAL's `try_minimal_primitive_root`). */
export function minimalPrimitiveRoot(n: number, mod: Modulus): number {
  const order = 2 * n;
  const q = mod.q;
  if ((q - 1) % order !== 0) throw new RangeError(`q = ${q} is not 1 mod 2N = ${order}`);
  const cofactor = BigInt((q - 1) / order);
  let g = 0;
  for (let x = 2; x < q; x++) {
    const cand = mod.pow(x, cofactor);
    if (mod.pow(cand, BigInt(n)) === q - 1) {
      g = cand;
      break;
    }
  }
  if (g === 0) throw new RangeError(`no primitive ${order}-th root of unity mod ${q}`);
  const g2 = mod.mul(g, g);
  let best = g;
  let cur = g;
  for (let k = 1; k < n; k++) {
    cur = mod.mul(cur, g2);
    if (cur < best) best = cur;
  }
  return best;
}

/** Forward and inverse negacyclic NTT of length n over `mod`, bit-compatible with SEAL. */
export class Ntt {
  private readonly rootPowers: Float64Array;
  private readonly invRootPowers: Float64Array;
  private readonly invTwo: number;

  constructor(readonly n: number, readonly mod: Modulus) {
    const logN = Math.log2(n);
    if (!Number.isInteger(logN) || logN < 1) throw new RangeError(`NTT length must be a power of two, got ${n}`);
    const root = minimalPrimitiveRoot(n, mod);
    this.rootPowers = new Float64Array(n);
    this.invRootPowers = new Float64Array(n);
    this.rootPowers[0] = 1;
    this.invRootPowers[0] = 1;
    let power = root;
    for (let i = 1; i < n; i++) {
      const at = reverseBits(i, logN);
      this.rootPowers[at] = power;
      this.invRootPowers[at] = mod.inverse(power);
      power = mod.mul(power, root);
    }
    this.invTwo = mod.inverse(2);
  }

  /** Coefficients (values in [0, q)) to SEAL's NTT form, in place. */
  forward(a: Float64Array): void {
    const { n, mod, rootPowers } = this;
    const q = mod.q;
    for (let m = 1, gap = n >> 1; m < n; m <<= 1, gap >>= 1) {
      for (let i = 0; i < m; i++) {
        const w = rootPowers[m + i];
        const start = 2 * i * gap;
        for (let j = start; j < start + gap; j++) {
          const x = a[j];
          const y = mod.mul(a[j + gap], w);
          const s = x + y;
          a[j] = s >= q ? s - q : s;
          const d = x - y;
          a[j + gap] = d < 0 ? d + q : d;
        }
      }
    }
  }

  /** The exact inverse of `forward`, in place. */
  inverse(a: Float64Array): void {
    const { n, mod, invRootPowers, invTwo } = this;
    for (let m = n >> 1, gap = 1; m >= 1; m >>= 1, gap <<= 1) {
      for (let i = 0; i < m; i++) {
        const wInv = invRootPowers[m + i];
        const start = 2 * i * gap;
        for (let j = start; j < start + gap; j++) {
          const x = a[j];
          const y = a[j + gap];
          a[j] = mod.mul(mod.add(x, y), invTwo);
          a[j + gap] = mod.mul(mod.mul(mod.sub(x, y), wInv), invTwo);
        }
      }
    }
  }
}

/**
 * Products w_i · b mod q against a fixed vector w (a public key), exactly as `Modulus.mul` but with
 * w's 26-bit halves and w_i / q computed once: the quotient estimate floor(b · (w_i / q)) is off by at
 * most one as in `mul` (b · w_i / q < 2^50, relative error < 2^-51), and the remainder is then exact.
 */
export class FixedMultiplier {
  private readonly hi: Float64Array;
  private readonly lo: Float64Array;
  private readonly ratio: Float64Array;
  private readonly qHi: number;
  private readonly qLo: number;

  constructor(readonly mod: Modulus, w: Float64Array) {
    this.hi = new Float64Array(w.length);
    this.lo = new Float64Array(w.length);
    this.ratio = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      if (!(w[i] >= 0 && w[i] < mod.q && Number.isInteger(w[i]))) throw new RangeError(`fixed operand ${i} is not a residue mod q: ${w[i]}`);
      this.hi[i] = Math.floor(w[i] * INV26);
      this.lo[i] = w[i] - this.hi[i] * T26;
      this.ratio[i] = w[i] * mod.inv;
    }
    this.qHi = Math.floor(mod.q * INV26);
    this.qLo = mod.q - this.qHi * T26;
  }

  /** out[outFrom + i] = w[wFrom + i] · b[bFrom + i] mod q for i < count (b's entries in [0, q)). */
  mulInto(b: Float64Array, bFrom: number, out: Float64Array, outFrom: number, wFrom: number, count: number): void {
    const { hi, lo, ratio, qHi, qLo } = this;
    const q = this.mod.q;
    for (let i = 0; i < count; i++) {
      const a = b[bFrom + i];
      const w = wFrom + i;
      const k = Math.floor(a * ratio[w]);
      const a1 = Math.floor(a * INV26);
      const a0 = a - a1 * T26;
      const k1 = Math.floor(k * INV26);
      const k0 = k - k1 * T26;
      let mid = a1 * lo[w] - k1 * qLo + (a0 * hi[w] - k0 * qHi);
      mid -= Math.floor(mid * INV26) * T26;
      let r = a0 * lo[w] - k0 * qLo + mid * T26;
      r -= Math.floor(r * INV52) * T52;
      if (r >= T51) r -= T52;
      if (r < 0) r += q;
      if (r >= q) r -= q;
      out[outFrom + i] = r;
    }
  }
}
