import type { ConfusionCounts } from './confusion.js';
import type { NullableMetricName } from './metrics-types.js';

/** Metrics at one threshold; a ratio with a zero denominator is null with its reason. */
export interface ThresholdMetrics {
  readonly accuracy: number;
  readonly sensitivity: number | null;
  readonly specificity: number | null;
  readonly ppv: number | null;
  readonly npv: number | null;
  readonly f1: number | null;
  readonly balancedAccuracy: number | null;
  readonly undefinedReasons: Partial<Record<NullableMetricName, string>>;
}

export function thresholdMetrics(c: ConfusionCounts): ThresholdMetrics {
  const reasons: Partial<Record<NullableMetricName, string>> = {};
  const ratio = (name: NullableMetricName, num: number, den: number, reason: string): number | null => {
    if (den > 0) return num / den;
    reasons[name] = reason;
    return null;
  };
  const n = c.tp + c.fp + c.tn + c.fn;
  const sensitivity = ratio('sensitivity', c.tp, c.tp + c.fn, 'no positive examples (sensitivity = TP / (TP + FN) has a zero denominator)');
  const specificity = ratio('specificity', c.tn, c.tn + c.fp, 'no negative examples (specificity = TN / (TN + FP) has a zero denominator)');
  const ppv = ratio('ppv', c.tp, c.tp + c.fp, 'no example predicted positive at this threshold');
  const npv = ratio('npv', c.tn, c.tn + c.fn, 'no example predicted negative at this threshold');
  // F1 = 2TP / (2TP + FP + FN): defined whenever there is a positive label or prediction.
  const f1 = ratio('f1', 2 * c.tp, 2 * c.tp + c.fp + c.fn, 'no positive examples and none predicted positive');
  let balancedAccuracy: number | null = null;
  if (sensitivity !== null && specificity !== null) balancedAccuracy = (sensitivity + specificity) / 2;
  else if (sensitivity !== null || specificity !== null) balancedAccuracy = sensitivity ?? specificity;
  else reasons.balancedAccuracy = 'no examples';
  return { accuracy: (c.tp + c.tn) / n, sensitivity, specificity, ppv, npv, f1, balancedAccuracy, undefinedReasons: reasons };
}
