import { Rng } from '../core/random.js';
import type { PatchOrigin } from './brain-patches.js';

/**
 * A simulated MRI scanner (docs/segmentation.md): what one site's acquisition does to the true
 * tissue intensities (in [0, 1]) of the one real subject. Drawn from the data seed and the site's
 * index, so every run (and every site that rebuilds it) gets the same scanner.
 */
export interface MriScannerProfile {
  /** Tissue contrast: v → v^gamma (0.7 … 1.4). */
  readonly gamma: number;
  /** Smooth multiplicative bias field exp(Σ c·basis) over the volume, basis 1st and 2nd order
   * polynomials of the voxel position scaled to [-1, 1]: coefficients of u, v, w, uv, vw, uw, u², v², w². */
  readonly bias: readonly number[];
  /** Gaussian blur (resolution loss), standard deviation in voxels (0 … 1.2). */
  readonly blurSigma: number;
  /** Rician noise: standard deviation of the noise on each of the two channels (0.01 … 0.06). */
  readonly noiseSigma: number;
}

export function mriScannerProfile(dataSeed: number, siteIndex: number): MriScannerProfile {
  const rng = Rng.derive(dataSeed, 'mri-scanner', siteIndex);
  const strength = 0.1 + 0.2 * rng.uniform();
  return {
    gamma: Math.exp(Math.log(0.7) + (Math.log(1.4) - Math.log(0.7)) * rng.uniform()),
    bias: Array.from({ length: 9 }, () => strength * rng.normal()),
    blurSigma: 1.2 * rng.uniform(),
    noiseSigma: 0.01 + 0.05 * rng.uniform(),
  };
}

/** Voxels of margin a blur of `sigma` needs around the patch. */
export function blurMargin(sigma: number): number {
  return sigma > 0.05 ? Math.ceil(2.5 * sigma) : 0;
}

function blurAxis(src: Float32Array, b: number, stride: number, kernel: Float32Array): Float32Array<ArrayBuffer> {
  const r = (kernel.length - 1) / 2;
  const out = new Float32Array(src.length);
  for (let p = 0; p < src.length; p++) {
    const pos = Math.floor(p / stride) % b;
    let s = 0;
    let w = 0;
    for (let t = -r; t <= r; t++) {
      const q = pos + t;
      if (q < 0 || q >= b) continue;
      s += kernel[t + r] * src[p + t * stride];
      w += kernel[t + r];
    }
    out[p] = s / w;
  }
  return out;
}

/**
 * One acquisition of a patch: `block` holds the true intensities of the patch and `margin`
 * voxels around it (extractBlock), order [k][j][i]. Contrast, bias field (at the voxels' places
 * in the volume of `dims`), blur, cropping to `size`³, Rician noise (from `noise`), then the
 * site's preprocessing: z-score over the patch.
 */
export function acquirePatch(
  block: Float32Array,
  size: number,
  margin: number,
  origin: PatchOrigin,
  dims: readonly [number, number, number],
  profile: MriScannerProfile,
  noise: Rng,
): Float32Array {
  const b = size + 2 * margin;
  const [nx, ny, nz] = dims;
  const c = profile.bias;
  let v: Float32Array<ArrayBuffer> = new Float32Array(block.length);
  let p = 0;
  for (let dk = 0; dk < b; dk++) {
    const w = (2 * (origin.k - margin + dk)) / (nz - 1) - 1;
    for (let dj = 0; dj < b; dj++) {
      const y = (2 * (origin.j - margin + dj)) / (ny - 1) - 1;
      for (let di = 0; di < b; di++, p++) {
        const u = (2 * (origin.i - margin + di)) / (nx - 1) - 1;
        const field = Math.exp(c[0] * u + c[1] * y + c[2] * w + c[3] * u * y + c[4] * y * w + c[5] * u * w + c[6] * (u * u - 1 / 3) + c[7] * (y * y - 1 / 3) + c[8] * (w * w - 1 / 3));
        v[p] = Math.pow(block[p], profile.gamma) * field;
      }
    }
  }
  const m = blurMargin(profile.blurSigma);
  if (m > 0) {
    const r = Math.min(m, margin);
    const kernel = Float32Array.from({ length: 2 * r + 1 }, (_, t) => Math.exp(-((t - r) ** 2) / (2 * profile.blurSigma ** 2)));
    v = blurAxis(v, b, 1, kernel);
    v = blurAxis(v, b, b, kernel);
    v = blurAxis(v, b, b * b, kernel);
  }
  const out = new Float32Array(size ** 3);
  const s = profile.noiseSigma;
  p = 0;
  let sum = 0;
  for (let dk = 0; dk < size; dk++) {
    for (let dj = 0; dj < size; dj++) {
      const row = b * (dj + margin + b * (dk + margin)) + margin;
      for (let di = 0; di < size; di++) {
        const re = v[row + di] + s * noise.normal();
        const im = s * noise.normal();
        out[p] = Math.sqrt(re * re + im * im);
        sum += out[p++];
      }
    }
  }
  const mean = sum / out.length;
  let ss = 0;
  for (const x of out) ss += (x - mean) ** 2;
  const sd = Math.max(1e-3, Math.sqrt(ss / out.length));
  for (let q = 0; q < out.length; q++) out[q] = (out[q] - mean) / sd;
  return out;
}

/**
 * Training augmentation, in place: a left-right flip (along i, the width axis) of the patch and
 * its labels with probability 1/2, and an intensity jitter x·(1 + a) + b, a, b ~ U(-0.1, 0.1).
 */
export function augmentPatch(x: Float32Array, y: Float32Array, size: number, rng: Rng): { flipped: boolean } {
  const flipped = rng.uniform() < 0.5;
  if (flipped) {
    for (let row = 0; row < size * size; row++) {
      for (let di = 0; di < size >> 1; di++) {
        const a = row * size + di;
        const z = row * size + size - 1 - di;
        [x[a], x[z]] = [x[z], x[a]];
        [y[a], y[z]] = [y[z], y[a]];
      }
    }
  }
  const scale = 1 + 0.2 * (rng.uniform() - 0.5);
  const shift = 0.2 * (rng.uniform() - 0.5);
  for (let q = 0; q < x.length; q++) x[q] = x[q] * scale + shift;
  return { flipped };
}
