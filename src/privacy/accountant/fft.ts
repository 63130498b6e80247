/**
 * A small iterative radix-2 complex FFT and a linear convolution of real, non-negative
 * sequences built on it (two real inputs packed in one complex transform).
 */

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();

/** cos and sin of 2πt/n for t < n/2, computed directly (no recurrence drift) and cached per size. */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let w = twiddleCache.get(n);
  if (w === undefined) {
    const half = n >> 1;
    w = { cos: new Float64Array(half), sin: new Float64Array(half) };
    for (let t = 0; t < half; t++) {
      w.cos[t] = Math.cos((2 * Math.PI * t) / n);
      w.sin[t] = Math.sin((2 * Math.PI * t) / n);
    }
    if (twiddleCache.size > 8) twiddleCache.clear();
    twiddleCache.set(n, w);
  }
  return w;
}

/** In-place FFT of (re, im), length a power of two; `inverse` includes the 1/n scale. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if ((n & (n - 1)) !== 0) throw new RangeError(`fft length ${n} is not a power of two`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  const { cos, sin } = twiddles(n);
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const stride = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0, t = 0; k < half; k++, t += stride) {
        const wr = cos[t];
        const wi = sign * sin[t];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] /= n;
      im[i] /= n;
    }
  }
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * Linear convolution of two real sequences (length a.length + b.length - 1). Tiny
 * negative values from round-off are clamped to 0 (the inputs are probabilities).
 */
export function convolveReal(a: Float64Array, b: Float64Array): Float64Array {
  const outLen = a.length + b.length - 1;
  if (a.length * b.length <= 4096) {
    const out = new Float64Array(outLen);
    for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
    return out;
  }
  const n = nextPow2(outLen);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  re.set(a);
  im.set(b);
  fft(re, im);
  // With Z = FFT(a + i·b): A_k = (Z_k + conj Z_{n-k})/2, B_k = (Z_k - conj Z_{n-k})/(2i).
  const pr = new Float64Array(n);
  const pi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const m = (n - k) & (n - 1);
    const ar = (re[k] + re[m]) / 2;
    const ai = (im[k] - im[m]) / 2;
    const br = (im[k] + im[m]) / 2;
    const bi = -(re[k] - re[m]) / 2;
    pr[k] = ar * br - ai * bi;
    pi[k] = ar * bi + ai * br;
  }
  fft(pr, pi, true);
  const out = new Float64Array(outLen);
  for (let i = 0; i < outLen; i++) out[i] = pr[i] > 0 ? pr[i] : 0;
  return out;
}
