import type { NiftiVolume } from '../connectors/nifti/index.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { GreyImage } from './image-quality.js';

export interface MriSliceOptions {
  /** Output side in pixels (images are size x size). */
  readonly size: number;
  /** Number of axial slices, evenly spaced over the central `span` of the head. */
  readonly count: number;
  /** Fraction of the head's axial extent to sample from, centred (default 0.6). */
  readonly span?: number;
  /** Number of classes: slices are labelled by axial level (0 = lowest), in equal bands. */
  readonly classes: number;
}

export interface LabelledImages {
  readonly images: GreyImage[];
  readonly labels: number[];
  readonly classes: number;
}

/**
 * Real image content for the inversion attack: axial slices of a 3-D MRI volume (e.g. the ch2
 * template), cropped to the head's bounding box, area-averaged down to size x size and scaled
 * to [0, 1] by the volume's maximum. The label is the slice's axial band (anatomical level).
 */
export function axialSlices(volume: NiftiVolume, options: MriSliceOptions): LabelledImages {
  const [nx, ny, nz] = volume.dims;
  if (volume.dims.length < 3 || nz < options.count) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `the volume has dims [${volume.dims.join(', ')}]; ${options.count} axial slices need a 3-D volume with at least that many`, {
      where: 'nifti volume',
      hint: 'use a 3-D anatomical image such as data/imaging/ch2.nii.gz',
    });
  }
  const d = volume.data;
  let max = 0;
  for (let i = 0; i < nx * ny * nz; i++) if (d[i] > max) max = d[i];
  const threshold = 0.1 * max;
  let x0 = nx, x1 = -1, y0 = ny, y1 = -1, z0 = nz, z1 = -1;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (d[i + nx * (j + ny * k)] <= threshold) continue;
        x0 = Math.min(x0, i); x1 = Math.max(x1, i);
        y0 = Math.min(y0, j); y1 = Math.max(y1, j);
        z0 = Math.min(z0, k); z1 = Math.max(z1, k);
      }
    }
  }
  if (x1 < 0 || max <= 0) throw new MedfedError(ErrorCodes.DATA_INVALID, 'the volume is empty (no voxel above 10% of the maximum)', { where: 'nifti volume' });
  const span = options.span ?? 0.6;
  const mid = (z0 + z1) / 2;
  const half = ((z1 - z0) * span) / 2;
  const images: GreyImage[] = [];
  const labels: number[] = [];
  const s = options.size;
  for (let c = 0; c < options.count; c++) {
    const t = options.count === 1 ? 0.5 : c / (options.count - 1);
    const k = Math.round(mid - half + t * 2 * half);
    const data = new Float32Array(s * s);
    for (let py = 0; py < s; py++) {
      // Row 0 at the top = anterior (largest j), as radiologists view an axial slice.
      const ja = y1 - ((py + 1) * (y1 - y0 + 1)) / s + 1;
      const jb = y1 - (py * (y1 - y0 + 1)) / s + 1;
      for (let px = 0; px < s; px++) {
        const ia = x0 + (px * (x1 - x0 + 1)) / s;
        const ib = x0 + ((px + 1) * (x1 - x0 + 1)) / s;
        let sum = 0, n = 0;
        for (let j = Math.floor(ja); j < Math.ceil(jb); j++) {
          for (let i = Math.floor(ia); i < Math.ceil(ib); i++) {
            sum += d[i + nx * (j + ny * k)];
            n++;
          }
        }
        data[py * s + px] = n > 0 ? sum / n / max : 0;
      }
    }
    images.push({ width: s, height: s, data });
    labels.push(Math.min(options.classes - 1, Math.floor(t * options.classes)));
  }
  return { images, labels, classes: options.classes };
}
