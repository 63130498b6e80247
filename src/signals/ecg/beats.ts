import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { panTompkinsPeaks } from './pan-tompkins.js';

/**
 * Beat segmentation for the wearable ECG classifier: every recording is resampled to
 * `BEAT_RATE` Hz and cut into fixed windows around each R peak (`BEAT_BEFORE` samples before,
 * `BEAT_AFTER` from the peak on), each window centred on its median and scaled by its standard
 * deviation (removes the device's gain and the local baseline).
 */
export const BEAT_RATE = 250;
export const BEAT_BEFORE = 64;
export const BEAT_AFTER = 116;
export const BEAT_LENGTH = BEAT_BEFORE + BEAT_AFTER;

/** Linear-interpolation resampling to `toRate` (after a moving-average anti-alias filter when downsampling). */
export function resample(signal: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0 && toRate > 0)) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `cannot resample from ${fromRate} Hz to ${toRate} Hz`, { hint: 'sampling rates must be positive' });
  }
  if (fromRate === toRate) return signal.slice();
  let src = signal;
  if (toRate < fromRate) {
    const w = Math.max(1, Math.round(fromRate / toRate));
    if (w > 1) {
      src = new Float32Array(signal.length);
      let acc = 0;
      for (let i = 0; i < signal.length; i++) {
        acc += signal[i];
        if (i >= w) acc -= signal[i - w];
        src[i] = acc / Math.min(i + 1, w);
      }
      // The moving average delays by (w − 1) / 2 samples: read it that much later.
      const delay = (w - 1) / 2;
      const n = Math.floor(((signal.length - 1 - delay) * toRate) / fromRate) + 1;
      const out = new Float32Array(Math.max(0, n));
      for (let k = 0; k < out.length; k++) out[k] = interp(src, (k * fromRate) / toRate + delay);
      return out;
    }
  }
  const n = Math.floor(((signal.length - 1) * toRate) / fromRate) + 1;
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = interp(src, (k * fromRate) / toRate);
  return out;
}

function interp(s: Float32Array, pos: number): number {
  const i = Math.floor(pos);
  if (i >= s.length - 1) return s[s.length - 1];
  const f = pos - i;
  return s[i] * (1 - f) + s[i + 1] * f;
}

/**
 * Windows around R peaks (times in seconds) of a signal sampled at BEAT_RATE; peaks whose window
 * would leave the signal are skipped. Returns the windows (row-major) and the kept peaks' indices.
 */
export function segmentBeats(signal: Float32Array, rPeakSeconds: readonly number[]): { x: Float32Array; kept: number[] } {
  const kept: number[] = [];
  rPeakSeconds.forEach((t, i) => {
    const c = Math.round(t * BEAT_RATE);
    if (c - BEAT_BEFORE >= 0 && c + BEAT_AFTER <= signal.length) kept.push(i);
  });
  const x = new Float32Array(kept.length * BEAT_LENGTH);
  const tmp = new Float32Array(BEAT_LENGTH);
  kept.forEach((i, k) => {
    const c = Math.round(rPeakSeconds[i] * BEAT_RATE);
    for (let j = 0; j < BEAT_LENGTH; j++) tmp[j] = signal[c - BEAT_BEFORE + j];
    const med = Float32Array.from(tmp).sort()[BEAT_LENGTH >> 1];
    let ss = 0;
    for (let j = 0; j < BEAT_LENGTH; j++) ss += (tmp[j] - med) ** 2;
    const sd = Math.sqrt(ss / BEAT_LENGTH) || 1;
    for (let j = 0; j < BEAT_LENGTH; j++) x[k * BEAT_LENGTH + j] = (tmp[j] - med) / sd;
  });
  return { x, kept };
}

/** R-peak times (seconds) of an ECG lead sampled at `rate` Hz: Pan–Tompkins (pan-tompkins.ts). */
export function detectRPeaks(signal: Float32Array, rate: number): number[] {
  return panTompkinsPeaks(signal, rate).map((p) => p / rate);
}
