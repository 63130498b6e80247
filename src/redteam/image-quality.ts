import { ErrorCodes, MedfedError } from '../core/errors.js';

/** A greyscale image: row-major values, `height` rows of `width` pixels. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array | Float64Array;
}

function checkPair(a: GreyImage, b: GreyImage, what: string): void {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== a.width * a.height || b.data.length !== b.width * b.height) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${what}: images differ in size (${a.width}x${a.height} vs ${b.width}x${b.height}) or do not hold width x height values`, {
      where: what,
      hint: 'compare a reconstruction with the original image of the same size',
    });
  }
}

/** Peak signal-to-noise ratio in dB, 10 log10(L² / MSE); Infinity for identical images. */
export function psnr(a: GreyImage, b: GreyImage, dataRange = 1): number {
  checkPair(a, b, 'psnr');
  let se = 0;
  for (let i = 0; i < a.data.length; i++) se += (a.data[i] - b.data[i]) ** 2;
  const mse = se / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10((dataRange * dataRange) / mse);
}

/** Normalised 1-D Gaussian taps (the 2-D window is their outer product). */
function gaussianTaps(size: number, sigma: number): Float64Array {
  const taps = new Float64Array(size);
  const c = (size - 1) / 2;
  let s = 0;
  for (let i = 0; i < size; i++) s += taps[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) taps[i] /= s;
  return taps;
}

/** 'valid' separable filtering of an image with `taps` (output (h-k+1) x (w-k+1)). */
function filterValid(img: Float64Array, w: number, h: number, taps: Float64Array): Float64Array {
  const k = taps.length;
  const ow = w - k + 1;
  const oh = h - k + 1;
  const rows = new Float64Array(h * ow);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += taps[t] * img[y * w + x + t];
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += taps[t] * rows[(y + t) * ow + x];
      out[y * ow + x] = s;
    }
  }
  return out;
}

export interface SsimOptions {
  /** L, the dynamic range of the pixel values (default 1). */
  readonly dataRange?: number;
  /** Gaussian window size (default 11) and standard deviation (default 1.5). */
  readonly windowSize?: number;
  readonly sigma?: number;
}

/**
 * Mean structural similarity (Wang, Bovik, Sheikh and Simoncelli 2004, IEEE TIP 13(4)): local
 * means, variances and covariance under an 11x11 Gaussian window (sigma 1.5), K1 = 0.01,
 * K2 = 0.03, averaged over the positions where the window fits inside the image (the paper's
 * reference code, filter2 'valid'). 1 for identical images.
 */
export function ssim(a: GreyImage, b: GreyImage, options: SsimOptions = {}): number {
  checkPair(a, b, 'ssim');
  const size = options.windowSize ?? 11;
  const L = options.dataRange ?? 1;
  const { width: w, height: h } = a;
  if (w < size || h < size) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `ssim: a ${w}x${h} image is smaller than the ${size}x${size} window`, {
      where: 'ssim',
      hint: 'use images of at least 11x11 pixels or a smaller windowSize',
    });
  }
  const taps = gaussianTaps(size, options.sigma ?? 1.5);
  const x = Float64Array.from(a.data);
  const y = Float64Array.from(b.data);
  const xx = x.map((v) => v * v);
  const yy = y.map((v) => v * v);
  const xy = x.map((v, i) => v * y[i]);
  const [mx, my, sxx, syy, sxy] = [x, y, xx, yy, xy].map((img) => filterValid(img, w, h, taps));
  const c1 = (0.01 * L) ** 2;
  const c2 = (0.03 * L) ** 2;
  let sum = 0;
  for (let i = 0; i < mx.length; i++) {
    const vx = sxx[i] - mx[i] * mx[i];
    const vy = syy[i] - my[i] * my[i];
    const cxy = sxy[i] - mx[i] * my[i];
    sum += ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
  }
  return sum / mx.length;
}
