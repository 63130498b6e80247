import type { CalibrationPoint } from './metrics-types.js';

export interface Calibration {
  /** Expected calibration error: sum over bins of (count / n) * |meanPredicted - observed|. */
  readonly ece: number;
  /** The non-empty bins, in order. */
  readonly points: CalibrationPoint[];
}

/**
 * Calibration curve and ECE over `bins` equal-width bins of [0, 1]: bin b holds
 * b/bins <= p < (b+1)/bins, and the last bin also holds p = 1. `outcomes` are 0/1 (the event
 * that `predicted` is the probability of).
 */
export function calibration(predicted: ArrayLike<number>, outcomes: ArrayLike<number>, bins = 10): Calibration {
  const count = new Float64Array(bins);
  const sumPredicted = new Float64Array(bins);
  const sumObserved = new Float64Array(bins);
  for (let i = 0; i < predicted.length; i++) {
    const b = Math.min(bins - 1, Math.floor(predicted[i] * bins));
    count[b]++;
    sumPredicted[b] += predicted[i];
    sumObserved[b] += outcomes[i];
  }
  const points: CalibrationPoint[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    const meanPredicted = sumPredicted[b] / count[b];
    const observed = sumObserved[b] / count[b];
    ece += (count[b] / predicted.length) * Math.abs(meanPredicted - observed);
    points.push({ lower: b / bins, upper: (b + 1) / bins, meanPredicted, observed, count: count[b] });
  }
  return { ece, points };
}
