import { randomBytes } from 'node:crypto';

/** Client ids site-00 … site-(n-1). */
export function siteIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `site-${String(i).padStart(2, '0')}`);
}

/** Uniform floats in [-lo, lo] from Node's CSPRNG (an independent source from the code under test). */
export function randomVector(length: number, lo: number): Float32Array {
  const words = new Uint32Array(randomBytes(4 * length).buffer);
  return Float32Array.from(words, (w) => (w / 2 ** 32) * 2 * lo - lo);
}

/** The plain sum, in float64, of clip(x, -r, r) over the given clients. */
export function plainClippedSum(inputs: Map<string, Float32Array>, ids: string[], r: number): Float64Array {
  const out = new Float64Array(inputs.values().next().value!.length);
  for (const id of ids) {
    const v = inputs.get(id)!;
    for (let i = 0; i < v.length; i++) out[i] += Math.min(r, Math.max(-r, v[i]));
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
