import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { TrainableModel } from '../../engine/engine.js';
import { BEAT_RATE, detectRPeaks, resample, segmentBeats } from './beats.js';

/** One detected beat and the model's probability that it is a premature ventricular contraction. */
export interface BeatPrediction {
  /** R-peak time, seconds from the start of the record. */
  readonly t: number;
  readonly pvcProbability: number;
}

export interface RecordClassification {
  /** Beats the detector found. */
  readonly detected: number;
  /** Beats classified (those whose window fits inside the record). */
  readonly beats: readonly BeatPrediction[];
  /** Beats with pvcProbability ≥ threshold. */
  readonly pvcCount: number;
  readonly pvcFraction: number;
  readonly threshold: number;
  readonly meanHeartRate: number;
}

/**
 * Runs a beat classifier trained on the wearable study (input: BEAT_LENGTH samples at BEAT_RATE,
 * output: P(normal), P(PVC)) over an unannotated ECG lead: R peaks by Pan–Tompkins at the
 * record's own rate, then the same resampling and beat windows the devices train on.
 */
export async function classifyEcgBeats(model: TrainableModel, signal: Float32Array, sampleRate: number, threshold = 0.5): Promise<RecordClassification> {
  if (!(sampleRate > 0) || signal.length < 2 * sampleRate) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `the ECG lead has ${signal.length} samples at ${sampleRate} Hz; at least 2 s are needed`, {
      hint: 'pass a longer recording (and the right --rate for a CSV)',
    });
  }
  const rPeaks = detectRPeaks(signal, sampleRate);
  const { x, kept } = segmentBeats(resample(signal, sampleRate, BEAT_RATE), rPeaks);
  const probs = kept.length > 0 ? await model.predict(x, kept.length) : new Float32Array(0);
  const classes = kept.length > 0 ? probs.length / kept.length : 2;
  if (classes !== 2) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `the model gives ${classes} outputs per beat; a beat classifier gives 2 (normal, PVC)`, {
      hint: 'use the weights of the wearable ECG study (examples/wearables/ecg-pvc.yaml)',
    });
  }
  const beats = kept.map((i, k) => ({ t: rPeaks[i], pvcProbability: probs[2 * k + 1] }));
  const pvcCount = beats.filter((b) => b.pvcProbability >= threshold).length;
  const span = rPeaks.length > 1 ? rPeaks[rPeaks.length - 1] - rPeaks[0] : Number.NaN;
  return {
    detected: rPeaks.length,
    beats,
    pvcCount,
    pvcFraction: beats.length > 0 ? pvcCount / beats.length : Number.NaN,
    threshold,
    meanHeartRate: (60 * (rPeaks.length - 1)) / span,
  };
}
