import { ErrorCodes, MedfedError } from '../../core/errors.js';

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

/**
 * A simple R-peak detector (for records without annotations): band energy of the first
 * difference, smoothed over 100 ms, peaks above 30% of the record's 98th percentile at least
 * 250 ms apart, each moved to the largest |deviation from the local median| within ±50 ms.
 */
export function detectRPeaks(signal: Float32Array, rate: number): number[] {
  const n = signal.length;
  const e = new Float32Array(n);
  for (let i = 1; i < n; i++) e[i] = (signal[i] - signal[i - 1]) ** 2;
  const w = Math.max(1, Math.round(0.1 * rate));
  const sm = new Float32Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += e[i];
    if (i >= w) acc -= e[i - w];
    sm[i] = acc / w;
  }
  const sorted = Float32Array.from(sm).sort();
  const thr = 0.3 * sorted[Math.floor(0.98 * (n - 1))];
  const refractory = Math.round(0.25 * rate);
  const half = Math.round(0.05 * rate);
  const peaks: number[] = [];
  let i = 0;
  while (i < n) {
    if (sm[i] > thr) {
      let end = i;
      while (end < n && sm[end] > thr) end++;
      // The QRS lies in the last `w` samples before the smoothed energy's region ends.
      const lo = Math.max(0, i - half);
      const hi = Math.min(n - 1, end);
      const seg = Array.from(signal.subarray(lo, hi + 1)).sort((a, b) => a - b);
      const med = seg[seg.length >> 1];
      let best = lo;
      for (let k = lo; k <= hi; k++) if (Math.abs(signal[k] - med) > Math.abs(signal[best] - med)) best = k;
      if (peaks.length === 0 || best - peaks[peaks.length - 1] >= refractory) peaks.push(best);
      i = Math.max(end, best + refractory);
    } else i++;
  }
  return peaks.map((p) => p / rate);
}
