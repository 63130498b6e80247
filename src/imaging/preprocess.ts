import { toDisplayValues } from '../connectors/dicom/window.js';
import type { DicomImage } from '../connectors/dicom/types.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';

/** How every image becomes a model input (docs/imaging.md, "Preprocessing"). */
export interface ImagePreprocessing {
  /** [height, width] of the model input. */
  readonly size: readonly [number, number];
  /**
   * 'file': the image's own WindowCenter/Width (min..max when it has none); 'minmax': the
   * image's modality-value range. Either way MONOCHROME1 is inverted (1 = white = dense).
   */
  readonly window: 'file' | 'minmax';
  /** After resampling: 'zscore' (mean 0, sd 1 per image), 'minmax' (0..1 per image) or 'none' (display values 0..1). */
  readonly normalize: 'zscore' | 'minmax' | 'none';
}

/** Per output index, the source indices and weights: area overlap when shrinking, linear interpolation when enlarging. */
function axisWeights(inN: number, outN: number): { idx: Int32Array; w: Float32Array; per: number } {
  const scale = inN / outN;
  if (scale >= 1) {
    const per = Math.ceil(scale) + 1;
    const idx = new Int32Array(outN * per);
    const w = new Float32Array(outN * per);
    for (let o = 0; o < outN; o++) {
      const a = o * scale;
      const b = (o + 1) * scale;
      let k = 0;
      for (let s = Math.floor(a); s < b && s < inN; s++, k++) {
        const overlap = Math.min(b, s + 1) - Math.max(a, s);
        idx[o * per + k] = s;
        w[o * per + k] = overlap / scale;
      }
    }
    return { idx, w, per };
  }
  const idx = new Int32Array(outN * 2);
  const w = new Float32Array(outN * 2);
  for (let o = 0; o < outN; o++) {
    const x = Math.min(inN - 1, Math.max(0, (o + 0.5) * scale - 0.5));
    const x0 = Math.min(inN - 2 < 0 ? 0 : inN - 2, Math.floor(x));
    const f = inN === 1 ? 0 : x - x0;
    idx[o * 2] = x0;
    idx[o * 2 + 1] = inN === 1 ? 0 : x0 + 1;
    w[o * 2] = 1 - f;
    w[o * 2 + 1] = f;
  }
  return { idx, w, per: 2 };
}

/**
 * Resamples a row-major inH×inW image to outH×outW, separably: box (area) averaging along an
 * axis that shrinks (no aliasing: each output pixel is the mean of the source area it covers),
 * linear interpolation between pixel centres along one that grows.
 */
export function resampleImage(src: Float32Array, inH: number, inW: number, outH: number, outW: number): Float32Array {
  if (src.length !== inH * inW) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `resampleImage: ${src.length} values for a ${inH}×${inW} image`);
  }
  if (inH === outH && inW === outW) return Float32Array.from(src);
  const cx = axisWeights(inW, outW);
  const cy = axisWeights(inH, outH);
  const tmp = new Float32Array(inH * outW);
  for (let r = 0; r < inH; r++) {
    for (let o = 0; o < outW; o++) {
      let s = 0;
      for (let k = 0; k < cx.per; k++) s += cx.w[o * cx.per + k] * src[r * inW + cx.idx[o * cx.per + k]];
      tmp[r * outW + o] = s;
    }
  }
  const out = new Float32Array(outH * outW);
  for (let o = 0; o < outH; o++) {
    for (let c = 0; c < outW; c++) {
      let s = 0;
      for (let k = 0; k < cy.per; k++) s += cy.w[o * cy.per + k] * tmp[cy.idx[o * cy.per + k] * outW + c];
      out[o * outW + c] = s;
    }
  }
  return out;
}

/**
 * A DICOM image (modality values, as the connector returns them) → model input of
 * size[0]×size[1] (one channel): display values by the VOI window (MONOCHROME1 inverted),
 * resampled, then normalised per image. Multi-frame images are refused (naming `fileName`).
 */
export function preprocessDicomImage(image: DicomImage, p: ImagePreprocessing, fileName: string): Float32Array {
  if (image.frames !== 1) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName} has ${image.frames} frames; a 2D image classifier needs single-frame images`, {
      where: fileName,
      hint: 'list single-frame images in the manifest (split multi-frame files first)',
    });
  }
  const windowed = p.window === 'file' ? image : { ...image, meta: { ...image.meta, windowCenter: undefined, windowWidth: undefined } };
  const display = toDisplayValues(windowed);
  const out = resampleImage(display, image.rows, image.columns, p.size[0], p.size[1]);
  if (p.normalize === 'none') return out;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of out) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (p.normalize === 'minmax') {
    const range = max - min;
    for (let i = 0; i < out.length; i++) out[i] = range > 0 ? (out[i] - min) / range : 0;
    return out;
  }
  const mean = sum / out.length;
  let ss = 0;
  for (const v of out) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / out.length);
  for (let i = 0; i < out.length; i++) out[i] = sd > 1e-8 ? (out[i] - mean) / sd : 0;
  return out;
}
