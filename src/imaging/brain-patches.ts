import type { NiftiVolume } from '../connectors/nifti/index.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { Rng } from '../core/random.js';

/**
 * Patches of a brain MRI with per-voxel structure labels from an atlas on (or resampled to) the
 * MRI's grid, for the 3D segmentation study (docs/segmentation.md). Class 0 is background; class
 * s + 1 is structure s (all its atlas labels merged, e.g. left and right hippocampus).
 */
export interface Structure {
  readonly name: string;
  /** Atlas label ids merged into this class. */
  readonly labels: readonly number[];
}

/** AAL ids (data/imaging/aal.nii.txt): hippocampus 37/38, amygdala 41/42, thalamus 77/78 (L/R). */
export const DEFAULT_STRUCTURES: readonly Structure[] = [
  { name: 'hippocampus', labels: [37, 38] },
  { name: 'amygdala', labels: [41, 42] },
  { name: 'thalamus', labels: [77, 78] },
];

export type Hemisphere = 'left' | 'right';

/** The MRI (scaled to [0, 1] by its maximum) and one class per voxel, index i + nx·(j + ny·k). */
export interface BrainVolume {
  readonly dims: readonly [number, number, number];
  readonly intensity: Float32Array;
  readonly classes: Uint8Array;
  /** Voxel index ranges [lo, hi) along i of each hemisphere (world x < 0: left, x > 0: right). */
  readonly hemispheres: Readonly<Record<Hemisphere, readonly [number, number]>>;
  /** The voxel index i of world x = 0 (may be fractional). */
  readonly midline: number;
}

function invertAffine(a: readonly (readonly number[])[]): number[][] {
  const [[a0, a1, a2], [b0, b1, b2], [c0, c1, c2]] = a;
  const det = a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, 'the label volume has a singular affine', { where: 'data.labels', hint: 'check the NIfTI sform/qform of the label volume' });
  }
  const m = [
    [(b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det, (a1 * b2 - a2 * b1) / det],
    [(b2 * c0 - b0 * c2) / det, (a0 * c2 - a2 * c0) / det, (a2 * b0 - a0 * b2) / det],
    [(b0 * c1 - b1 * c0) / det, (a1 * c0 - a0 * c1) / det, (a0 * b1 - a1 * b0) / det],
  ];
  const t = [a[0][3], a[1][3], a[2][3]];
  return m.map((row) => [...row, -(row[0] * t[0] + row[1] * t[1] + row[2] * t[2])]);
}

/**
 * The class of every voxel of `image`: the atlas label at the same world position (nearest
 * neighbour through both affines; outside the atlas: background), mapped to structure classes.
 */
export function alignLabels(image: NiftiVolume, labels: NiftiVolume, structures: readonly Structure[]): Uint8Array {
  const [nx, ny, nz] = image.dims;
  const [lx, ly, lz] = labels.dims;
  const classOf = new Map<number, number>();
  structures.forEach((s, i) => s.labels.forEach((l) => classOf.set(l, i + 1)));
  const out = new Uint8Array(nx * ny * nz);
  const sameGrid = nx === lx && ny === ly && nz === lz && image.affine.every((row, r) => row.every((v, c) => Math.abs(v - labels.affine[r][c]) < 1e-4));
  if (sameGrid) {
    for (let v = 0; v < out.length; v++) out[v] = classOf.get(labels.data[v]) ?? 0;
    return out;
  }
  // voxel(image) → world → voxel(labels): M = inv(A_labels) · A_image.
  const inv = invertAffine(labels.affine);
  const A = image.affine;
  const M = inv.map((row) => [0, 1, 2, 3].map((c) => row[0] * A[0][c] + row[1] * A[1][c] + row[2] * A[2][c] + (c === 3 ? row[3] : 0)));
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const li = Math.round(M[0][0] * i + M[0][1] * j + M[0][2] * k + M[0][3]);
        const lj = Math.round(M[1][0] * i + M[1][1] * j + M[1][2] * k + M[1][3]);
        const lk = Math.round(M[2][0] * i + M[2][1] * j + M[2][2] * k + M[2][3]);
        if (li < 0 || lj < 0 || lk < 0 || li >= lx || lj >= ly || lk >= lz) continue;
        out[i + nx * (j + ny * k)] = classOf.get(labels.data[li + lx * (lj + ly * lk)]) ?? 0;
      }
    }
  }
  return out;
}

/** The MRI scaled to [0, 1], its classes, and the hemispheres split at world x = 0. */
export function brainVolume(image: NiftiVolume, labels: NiftiVolume, structures: readonly Structure[] = DEFAULT_STRUCTURES): BrainVolume {
  if (image.dims.length < 3 || (image.dims.length > 3 && image.dims.slice(3).some((d) => d > 1))) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `the MRI has dims [${image.dims.join(', ')}]; a single 3-D volume is needed`, { where: 'data.image' });
  }
  const [nx, ny, nz] = image.dims;
  const a = image.affine;
  // The first voxel axis must run left-right (RAS, LAS, ...) so that hemispheres are slabs of i.
  if (Math.abs(a[0][0]) < 0.9 * Math.hypot(a[0][0], a[0][1], a[0][2]) || Math.abs(a[1][0]) > 1e-3 || Math.abs(a[2][0]) > 1e-3) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `the MRI's first voxel axis does not run left-right (orientation ${image.orientation})`, {
      where: 'data.image',
      hint: 'reorient the volume to RAS or LAS (e.g. fslreorient2std) so that hemispheres split along i',
    });
  }
  const mid = -(a[0][3] + a[0][1] * (ny / 2) + a[0][2] * (nz / 2)) / a[0][0];
  const below: [number, number] = [0, Math.max(0, Math.min(nx, Math.floor(mid)))];
  const above: [number, number] = [Math.max(0, Math.min(nx, Math.ceil(mid) + 1)), nx];
  const hemispheres = a[0][0] > 0 ? { left: below, right: above } : { left: above, right: below };
  let max = 0;
  for (let v = 0; v < nx * ny * nz; v++) if (image.data[v] > max) max = image.data[v];
  if (!(max > 0)) throw new MedfedError(ErrorCodes.DATA_INVALID, 'the MRI is empty (no voxel above 0)', { where: 'data.image' });
  const intensity = new Float32Array(nx * ny * nz);
  for (let v = 0; v < intensity.length; v++) intensity[v] = Math.max(0, image.data[v]) / max;
  return { dims: [nx, ny, nz], intensity, classes: alignLabels(image, labels, structures), hemispheres, midline: mid };
}

/** Where a patch lies: its first voxel (i0, j0, k0); it spans `size` voxels along each axis. */
export interface PatchOrigin {
  readonly i: number;
  readonly j: number;
  readonly k: number;
}

/**
 * `count` patch origins of `size`³ voxels lying wholly inside `hemisphere`: a `foregroundFraction`
 * of them centred (± size/4) on a random voxel of a structure chosen uniformly, the rest on a
 * random brain voxel (intensity above 0.15). Seeded by `rng`.
 */
export function samplePatchOrigins(
  vol: BrainVolume,
  hemisphere: Hemisphere,
  options: { size: number; count: number; foregroundFraction: number; numStructures: number },
  rng: Rng,
): PatchOrigin[] {
  const [nx, ny, nz] = vol.dims;
  const [lo, hi] = vol.hemispheres[hemisphere];
  const s = options.size;
  if (hi - lo < s || ny < s || nz < s) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `patches of ${s} voxels do not fit in the ${hemisphere} hemisphere (${hi - lo} × ${ny} × ${nz} voxels)`, {
      where: 'data.patchSize',
      hint: 'use a smaller patchSize',
    });
  }
  const byClass: number[][] = Array.from({ length: options.numStructures + 1 }, () => []);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = lo; i < hi; i++) {
        const c = vol.classes[row + i];
        if (c > 0 && c < byClass.length) byClass[c].push(row + i);
      }
    }
  }
  const present = byClass.map((l, c) => (c > 0 && l.length > 0 ? c : -1)).filter((c) => c > 0);
  const clamp = (v: number, a: number, b: number) => Math.max(a, Math.min(b, v));
  const jitter = () => rng.int(2 * Math.floor(s / 4) + 1) - Math.floor(s / 4);
  const origins: PatchOrigin[] = [];
  for (let p = 0; p < options.count; p++) {
    let centre: number;
    if (present.length > 0 && rng.uniform() < options.foregroundFraction) {
      const list = byClass[present[rng.int(present.length)]];
      centre = list[rng.int(list.length)];
    } else {
      centre = -1;
      for (let tries = 0; tries < 10000 && centre < 0; tries++) {
        const v = lo + rng.int(hi - lo) + nx * (rng.int(ny) + ny * rng.int(nz));
        if (vol.intensity[v] > 0.15) centre = v;
      }
      if (centre < 0) throw new MedfedError(ErrorCodes.DATA_INVALID, `no brain voxel found in the ${hemisphere} hemisphere`, { where: 'data.image' });
    }
    const ci = centre % nx;
    const cj = Math.floor(centre / nx) % ny;
    const ck = Math.floor(centre / (nx * ny));
    const h = Math.floor(s / 2);
    origins.push({
      i: clamp(ci - h + jitter(), lo, hi - s),
      j: clamp(cj - h + jitter(), 0, ny - s),
      k: clamp(ck - h + jitter(), 0, nz - s),
    });
  }
  return origins;
}

/**
 * The classes of a patch, channels-last order [k][j][i] (depth = k, height = j, width = i), the
 * same order as extractIntensity's values.
 */
export function patchClasses(vol: BrainVolume, o: PatchOrigin, size: number, out = new Float32Array(size ** 3)): Float32Array {
  const [nx, ny] = vol.dims;
  let p = 0;
  for (let dk = 0; dk < size; dk++) {
    for (let dj = 0; dj < size; dj++) {
      const row = nx * (o.j + dj + ny * (o.k + dk)) + o.i;
      for (let di = 0; di < size; di++) out[p++] = vol.classes[row + di];
    }
  }
  return out;
}

/**
 * Intensities of the block of `size + 2·margin` voxels per axis around a patch (the margin lets
 * a blur see past the patch edge), order [k][j][i]; voxels outside the volume repeat the edge.
 */
export function extractBlock(vol: BrainVolume, o: PatchOrigin, size: number, margin: number): Float32Array {
  const [nx, ny, nz] = vol.dims;
  const b = size + 2 * margin;
  const out = new Float32Array(b ** 3);
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));
  let p = 0;
  for (let dk = 0; dk < b; dk++) {
    const k = clamp(o.k - margin + dk, nz);
    for (let dj = 0; dj < b; dj++) {
      const j = clamp(o.j - margin + dj, ny);
      for (let di = 0; di < b; di++) out[p++] = vol.intensity[clamp(o.i - margin + di, nx) + nx * (j + ny * k)];
    }
  }
  return out;
}
