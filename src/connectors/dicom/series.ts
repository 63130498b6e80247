import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { DicomImage, DicomVolume } from './types.js';

type Vec3 = [number, number, number];

export interface SeriesOptions {
  /** Largest allowed difference between direction cosines of two slices (default 1e-4). */
  orientationTolerance?: number;
  /** Largest allowed relative deviation of a slice gap from the median gap (default 0.01). */
  gapTolerance?: number;
  /** Name used in error messages (default "series"). */
  name?: string;
}

/**
 * Stacks the single-frame images of one series into a volume. Slices are sorted by the
 * projection of ImagePositionPatient on the slice normal (row cosines × column cosines); the
 * slice spacing is the median gap between consecutive projections. When no slice has a
 * position, slices are sorted by InstanceNumber and spaced by SpacingBetweenSlices /
 * SliceThickness. Throws DATA_INVALID for mixed sizes, orientations or pixel spacings,
 * duplicate positions, uneven gaps, or multi-frame inputs.
 */
export function dicomSeriesToVolume(images: DicomImage[], options: SeriesOptions = {}): DicomVolume {
  const name = options.name ?? 'series';
  const fail = (message: string, hint?: string): never => {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${name}: ${message}`, { where: name, hint });
  };
  if (images.length === 0) fail('no images to stack');
  const first = images[0];
  const tol = options.orientationTolerance ?? 1e-4;
  images.forEach((im, i) => {
    if (im.frames !== 1) fail(`image ${i + 1} has ${im.frames} frames; a series volume needs single-frame images`);
    if (im.rows !== first.rows || im.columns !== first.columns) {
      fail(`image ${i + 1} is ${im.rows}×${im.columns} but image 1 is ${first.rows}×${first.columns}`, 'a series must have one image size');
    }
    if (Math.abs(im.spacing[0] - first.spacing[0]) > 1e-4 || Math.abs(im.spacing[1] - first.spacing[1]) > 1e-4) {
      fail(`image ${i + 1} has pixel spacing ${im.spacing.slice(0, 2).join('×')} mm but image 1 has ${first.spacing.slice(0, 2).join('×')} mm`);
    }
    const o = im.orientation ?? [1, 0, 0, 0, 1, 0];
    const o1 = first.orientation ?? [1, 0, 0, 0, 1, 0];
    if (o.some((v, k) => Math.abs(v - o1[k]) > tol)) fail(`image ${i + 1} has ImageOrientationPatient ${o.join('\\')} but image 1 has ${o1.join('\\')}`);
  });
  const o = first.orientation ?? [1, 0, 0, 0, 1, 0];
  const row: Vec3 = [o[0], o[1], o[2]];
  const col: Vec3 = [o[3], o[4], o[5]];
  const normal = cross(row, col);
  const withPositions = images.filter((im) => im.position !== undefined).length;
  if (withPositions !== 0 && withPositions !== images.length) fail(`${images.length - withPositions} of ${images.length} images have no ImagePositionPatient`);

  let ordered: DicomImage[];
  let sliceSpacing: number;
  let sortedBy: DicomVolume['sortedBy'];
  if (withPositions === images.length) {
    sortedBy = 'position';
    const keyed = images.map((im) => ({ im, d: dot(im.position!, normal) })).sort((p, q) => p.d - q.d);
    ordered = keyed.map((k) => k.im);
    const gaps = keyed.slice(1).map((k, i) => k.d - keyed[i].d);
    sliceSpacing = gaps.length === 0 ? first.spacing[2] : median(gaps);
    gaps.forEach((g, i) => {
      if (g < 1e-6) fail(`images at slice ${i + 1} and ${i + 2} have the same position along the slice normal (duplicate slice?)`);
    });
    gaps.forEach((g, i) => {
      if (Math.abs(g - sliceSpacing) > (options.gapTolerance ?? 0.01) * sliceSpacing) {
        fail(`slice gap ${g.toFixed(4)} mm between slices ${i + 1} and ${i + 2} differs from the median ${sliceSpacing.toFixed(4)} mm (missing slice or mixed series?)`);
      }
    });
  } else {
    sortedBy = 'instanceNumber';
    if (images.some((im) => im.meta.instanceNumber === undefined)) fail('images have neither ImagePositionPatient nor InstanceNumber, so their order is unknown');
    ordered = [...images].sort((p, q) => p.meta.instanceNumber! - q.meta.instanceNumber!);
    sliceSpacing = first.spacing[2];
  }
  const perSlice = first.rows * first.columns;
  const voxels = new Float32Array(perSlice * ordered.length);
  ordered.forEach((im, z) => voxels.set(im.pixels, z * perSlice));
  return {
    dims: [first.columns, first.rows, ordered.length],
    spacing: [first.spacing[0], first.spacing[1], sliceSpacing],
    origin: ordered[0].position ?? [0, 0, 0],
    direction: [row, col, normal],
    voxels,
    sortedBy,
    slices: ordered,
  };
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function median(values: number[]): number {
  const s = [...values].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
