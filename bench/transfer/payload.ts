/** The benchmark's model: 50 float32 tensors of 4 MiB each (200 MiB), concatenated. */
export const tensorCount = 50;
export const tensorBytes = 4 * 1024 * 1024;
export const modelBytes = tensorCount * tensorBytes;
export const modelFloats = modelBytes / 4;
export const siteCount = 8;

/** Site k's update: element i holds (k + 1) + (i mod 7); its weight (numExamples) is k + 1. */
export function siteUpdate(k: number): Float32Array {
  const out = new Float32Array(modelFloats);
  for (let i = 0; i < out.length; i++) out[i] = k + 1 + (i % 7);
  return out;
}

/** The weighted mean of all sites' updates at element i, computed independently of the transfer. */
export function expectedMean(i: number, sites: number): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < sites; k++) {
    num += (k + 1) * (k + 1 + (i % 7));
    den += k + 1;
  }
  return num / den;
}
