/**
 * CKKS encoding in JS, straight to coefficient form: the real polynomial m(X) of degree < N with
 * integer coefficients such that m(ζ^(3^k)) ≈ scale · z_k for every slot k (ζ = e^(iπ/N), the
 * primitive 2N-th root; 3^k mod 2N is SEAL 4's slot order, so SEAL's `CKKSEncoder::decode` reads what
 * this writes). It stops where SEAL's encoder would apply its NTT: the site adds m to c0 of a
 * public-key encryption of zero in coefficient form, which is exactly SEAL's CKKS encryption
 * followed by its inverse NTT.
 *
 * Real values only, which halves the work against SEAL's length-N complex transform: for real m,
 * m(ζ^-r) is the conjugate of m(ζ^r), so each slot may use whichever of ±3^k is r_k ≡ 1 (mod 4).
 * There ζ^(r N/2) = i, hence m(ζ^r) = W(ζ^r) with W(X) = Σ_{j<N/2} w_j X^j, w_j = a_j + i·a_{j+N/2};
 * and ζ^(r_k) = ζ·ω^(t_k) with ω = ζ^4 and t_k = (r_k − 1)/4 a permutation of 0 … N/2 − 1. So
 * w_j ζ^j is the inverse length-N/2 DFT of scale · z placed at t_k, and a_j, a_{j+N/2} are the real and
 * imaginary parts of w_j.
 */

function reverseBits(x: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) r = (r << 1) | ((x >>> i) & 1);
  return r >>> 0;
}

export class CkksCoefficientEncoder {
  readonly slots: number;
  /** Where slot k goes in the bit-reversed input of the FFT: bitrev(t_k). */
  private readonly position: Uint32Array;
  /** e^(−2πi m / (N/2)), m < N/4: the FFT twiddles. */
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;
  /** ζ^(−j) = e^(−iπ j / N), j < N/2: the final twist. */
  private readonly twistRe: Float64Array;
  private readonly twistIm: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(readonly n: number) {
    const logN = Math.log2(n);
    if (!Number.isInteger(logN) || logN < 3) throw new RangeError(`CKKS ring dimension must be a power of two >= 8, got ${n}`);
    const h = n / 2;
    this.slots = h;
    const m = 2 * n;
    this.position = new Uint32Array(h);
    let e = 1;
    for (let k = 0; k < h; k++) {
      const r = e % 4 === 1 ? e : m - e;
      this.position[k] = reverseBits((r - 1) / 4, logN - 1);
      e = (e * 3) % m;
    }
    this.twRe = new Float64Array(h / 2);
    this.twIm = new Float64Array(h / 2);
    for (let j = 0; j < h / 2; j++) {
      this.twRe[j] = Math.cos((2 * Math.PI * j) / h);
      this.twIm[j] = -Math.sin((2 * Math.PI * j) / h);
    }
    this.twistRe = new Float64Array(h);
    this.twistIm = new Float64Array(h);
    for (let j = 0; j < h; j++) {
      this.twistRe[j] = Math.cos((Math.PI * j) / n);
      this.twistIm[j] = -Math.sin((Math.PI * j) / n);
    }
    this.re = new Float64Array(h);
    this.im = new Float64Array(h);
  }

  /**
   * Coefficients of the encoding of the real `values` (at most N/2; missing slots are 0) at `scale`,
   * rounded to integers, written to `out` (length N) as signed numbers. Returns the largest |coefficient|.
   */
  encode(values: ArrayLike<number>, scale: number, out: Float64Array): number {
    const { n, slots: h, position, twRe, twIm, twistRe, twistIm, re, im } = this;
    if (values.length > h || out.length !== n) throw new RangeError(`encode takes at most ${h} values into ${n} coefficients`);
    re.fill(0);
    im.fill(0);
    for (let k = 0; k < values.length; k++) re[position[k]] = values[k];
    // Iterative radix-2 inverse DFT (decimation in time) on bit-reversed input. The first stage
    // (twiddle 1) on real input leaves the imaginary parts at zero.
    for (let x = 0; x < h; x += 2) {
      const u = re[x];
      const v = re[x + 1];
      re[x] = u + v;
      re[x + 1] = u - v;
    }
    for (let len = 4, step = h >> 2; len <= h; len <<= 1, step >>= 1) {
      const half = len >> 1;
      for (let j = 0; j < half; j++) {
        const wr = twRe[j * step];
        const wi = twIm[j * step];
        for (let x = j, y = j + half; x < h; x += len, y += len) {
          const vr = re[y] * wr - im[y] * wi;
          const vi = re[y] * wi + im[y] * wr;
          const ur = re[x];
          const ui = im[x];
          re[x] = ur + vr;
          im[x] = ui + vi;
          re[y] = ur - vr;
          im[y] = ui - vi;
        }
      }
    }
    const fix = scale / h;
    let max = 0;
    for (let j = 0; j < h; j++) {
      const a = Math.round((re[j] * twistRe[j] - im[j] * twistIm[j]) * fix);
      const b = Math.round((re[j] * twistIm[j] + im[j] * twistRe[j]) * fix);
      out[j] = a;
      out[j + h] = b;
      const aa = Math.abs(a);
      const bb = Math.abs(b);
      if (aa > max) max = aa;
      if (bb > max) max = bb;
    }
    return max;
  }
}
