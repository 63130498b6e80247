import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { DicomImage } from './types.js';

export interface DisplayWindow {
  center: number;
  width: number;
}

/**
 * Display values in [0, 1] (0 = black, 1 = white) from modality values, by the linear VOI
 * LUT function of PS3.3 C.11.2.1.2.1:
 *   x ≤ c − 0.5 − (w − 1)/2 → 0;  x > c − 0.5 + (w − 1)/2 → 1;
 *   otherwise ((x − (c − 0.5)) / (w − 1) + 0.5).
 * The window is `window`, else the file's WindowCenter/Width, else the image's min..max.
 * MONOCHROME1 (minimum = white) is inverted so that 1 is always white.
 */
export function toDisplayValues(image: DicomImage, window?: DisplayWindow): Float32Array {
  const w = window ?? fileWindow(image) ?? rangeWindow(image.pixels);
  if (!(w.width >= 1)) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `window width ${w.width} is invalid: it must be at least 1`, {
      hint: 'pass a window with width ≥ 1',
    });
  }
  const low = w.center - 0.5 - (w.width - 1) / 2;
  const high = w.center - 0.5 + (w.width - 1) / 2;
  const invert = image.meta.photometricInterpretation === 'MONOCHROME1';
  const out = new Float32Array(image.pixels.length);
  for (let i = 0; i < out.length; i++) {
    const x = image.pixels[i];
    const y = x <= low ? 0 : x > high ? 1 : w.width === 1 ? 1 : (x - (w.center - 0.5)) / (w.width - 1) + 0.5;
    out[i] = invert ? 1 - y : y;
  }
  return out;
}

function fileWindow(image: DicomImage): DisplayWindow | undefined {
  const { windowCenter, windowWidth } = image.meta;
  return windowCenter !== undefined && windowWidth !== undefined ? { center: windowCenter, width: windowWidth } : undefined;
}

/** A window spanning min..max exactly: min maps to 0 and max to 1. */
function rangeWindow(pixels: Float32Array): DisplayWindow {
  let min = Infinity;
  let max = -Infinity;
  for (const v of pixels) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const width = Math.max(max - min + 1, 1);
  return { center: min + 0.5 + (width - 1) / 2, width };
}
