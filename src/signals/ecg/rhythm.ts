import { detectRPeaks } from './beats.js';

/** Beat-to-beat summary of an ECG lead (detector: detectRPeaks in beats.ts). */
export interface RhythmSummary {
  readonly beats: number;
  /** R-peak times, seconds. */
  readonly rPeaks: readonly number[];
  /** 60 / mean RR interval, beats per minute (NaN with fewer than 2 beats). */
  readonly meanHeartRate: number;
  readonly meanRrMs: number;
  /** Standard deviation of the RR intervals (SDNN over all detected beats), ms. */
  readonly sdnnMs: number;
  /** Root mean square of successive RR differences, ms. */
  readonly rmssdMs: number;
  /** Fraction of RR intervals more than 20% shorter than the median (premature beats show up here). */
  readonly prematureFraction: number;
  /** 60 / median RR, bpm: robust to missed or extra detections. */
  readonly medianHeartRate: number;
  /** RR intervals longer than 1.5 × the median: pauses or, more often, beats the detector missed. */
  readonly longGaps: number;
}

export function rhythmSummary(signal: Float32Array, sampleRate: number): RhythmSummary {
  const rPeaks = detectRPeaks(signal, sampleRate);
  const rr: number[] = [];
  for (let i = 1; i < rPeaks.length; i++) rr.push((rPeaks[i] - rPeaks[i - 1]) * 1000);
  if (rr.length === 0) return { beats: rPeaks.length, rPeaks, meanHeartRate: Number.NaN, meanRrMs: Number.NaN, sdnnMs: Number.NaN, rmssdMs: Number.NaN, prematureFraction: Number.NaN, medianHeartRate: Number.NaN, longGaps: 0 };
  const mean = rr.reduce((a, b) => a + b, 0) / rr.length;
  const sdnn = Math.sqrt(rr.reduce((a, b) => a + (b - mean) ** 2, 0) / rr.length);
  let ss = 0;
  for (let i = 1; i < rr.length; i++) ss += (rr[i] - rr[i - 1]) ** 2;
  const rmssd = rr.length > 1 ? Math.sqrt(ss / (rr.length - 1)) : Number.NaN;
  const median = [...rr].sort((a, b) => a - b)[rr.length >> 1];
  const premature = rr.filter((v) => v < 0.8 * median).length / rr.length;
  return { beats: rPeaks.length, rPeaks, meanHeartRate: 60000 / mean, meanRrMs: mean, sdnnMs: sdnn, rmssdMs: rmssd, prematureFraction: premature, medianHeartRate: 60000 / median, longGaps: rr.filter((v) => v > 1.5 * median).length };
}
