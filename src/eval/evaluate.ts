import { ErrorCodes, MedfedError } from '../core/errors.js';
import { auprc } from './auprc.js';
import { auroc } from './auroc.js';
import { brierBinary, brierMulticlass } from './brier.js';
import { calibration } from './calibration.js';
import { confusionAt } from './confusion.js';
import type { EvaluateOptions, Metrics, NullableMetricName } from './metrics-types.js';
import { argmaxRow, column, macroAurocOneVsRest, meanDefined, perClassRecall } from './multiclass.js';
import { thresholdMetrics } from './threshold-metrics.js';
import { requireClassLabels, requireNonEmpty, requireProbabilities, requireRows } from './validate-inputs.js';

const BINARY_ONLY = 'defined for binary tasks only';

/**
 * Metrics of a classifier's predicted probabilities against the true labels.
 * - numOutputs 1: one sigmoid output P(y=1) per example; labels 0/1.
 * - numOutputs 2: two softmax outputs per example; P(y=1) is column 1; labels 0/1.
 * - numOutputs >= 3: a softmax row per example; labels are class indices (multi-class).
 * Throws DATA_INVALID on empty input, a value outside [0, 1] or a bad label, SHAPE_MISMATCH when
 * the sizes disagree, CONFIG_INVALID on bad options.
 */
export function evaluatePredictions(
  probabilities: Float32Array,
  labels: Float32Array,
  numOutputs: number,
  options: EvaluateOptions = {},
): Metrics {
  const where = options.where ?? 'evaluatePredictions';
  const threshold = options.threshold ?? 0.5;
  const bins = options.calibrationBins ?? 10;
  if (!Number.isFinite(threshold)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `threshold must be a finite number, got ${threshold}`, { where });
  }
  if (!Number.isInteger(bins) || bins < 1) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `calibrationBins must be a positive integer, got ${bins}`, { where });
  }
  requireRows(probabilities, labels, numOutputs, where);
  requireNonEmpty(labels.length, where);
  requireProbabilities(probabilities, where);
  const numClasses = numOutputs === 1 ? 2 : numOutputs;
  requireClassLabels(labels, numClasses, where);
  if (numClasses === 2) {
    const scores = numOutputs === 1 ? probabilities : column(probabilities, labels.length, 2, 1);
    return binaryMetrics(scores, labels, threshold, bins);
  }
  return multiclassMetrics(probabilities, labels, numClasses, bins);
}

function classCountsOf(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

function singleClassReason(counts: number[]): string {
  const present = counts.flatMap((k, c) => (k > 0 ? [c] : []));
  return `only class ${present.join(', ')} present in the labels; ranking metrics need at least two classes`;
}

function binaryMetrics(scores: ArrayLike<number>, labels: Float32Array, threshold: number, bins: number): Metrics {
  const classCounts = classCountsOf(labels, 2);
  const atThreshold = thresholdMetrics(confusionAt(scores, labels, threshold));
  const reasons: Partial<Record<NullableMetricName, string>> = { ...atThreshold.undefinedReasons };
  const rocAuc = auroc(scores, labels);
  if (rocAuc === null) reasons.auroc = singleClassReason(classCounts);
  const ap = auprc(scores, labels);
  if (ap === null) reasons.auprc = 'no positive examples (recall is undefined)';
  const cal = calibration(scores, labels, bins);
  return {
    task: 'binary',
    n: labels.length,
    numClasses: 2,
    classCounts,
    threshold,
    auroc: rocAuc,
    auprc: ap,
    accuracy: atThreshold.accuracy,
    balancedAccuracy: atThreshold.balancedAccuracy,
    sensitivity: atThreshold.sensitivity,
    specificity: atThreshold.specificity,
    ppv: atThreshold.ppv,
    npv: atThreshold.npv,
    f1: atThreshold.f1,
    brier: brierBinary(scores, labels),
    ece: cal.ece,
    calibration: cal.points,
    undefinedReasons: reasons,
  };
}

function multiclassMetrics(probabilities: Float32Array, labels: Float32Array, numClasses: number, bins: number): Metrics {
  const n = labels.length;
  const classCounts = classCountsOf(labels, numClasses);
  const predicted = new Int32Array(n);
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    predicted[i] = argmaxRow(probabilities, i, numClasses);
    confidence[i] = probabilities[i * numClasses + predicted[i]];
    correct[i] = predicted[i] === labels[i] ? 1 : 0;
  }
  const accuracy = correct.reduce((a, b) => a + b, 0) / n;
  const macroAuroc = macroAurocOneVsRest(probabilities, labels, numClasses);
  const cal = calibration(confidence, correct, bins);
  const reasons: Partial<Record<NullableMetricName, string>> = {
    auprc: BINARY_ONLY,
    sensitivity: BINARY_ONLY,
    specificity: BINARY_ONLY,
    ppv: BINARY_ONLY,
    npv: BINARY_ONLY,
    f1: BINARY_ONLY,
  };
  if (macroAuroc === null) reasons.auroc = singleClassReason(classCounts);
  return {
    task: 'multiclass',
    n,
    numClasses,
    classCounts,
    threshold: null,
    auroc: macroAuroc,
    auprc: null,
    accuracy,
    balancedAccuracy: meanDefined(perClassRecall(predicted, labels, numClasses)),
    sensitivity: null,
    specificity: null,
    ppv: null,
    npv: null,
    f1: null,
    brier: brierMulticlass(probabilities, labels, numClasses),
    ece: cal.ece,
    calibration: cal.points,
    undefinedReasons: reasons,
  };
}
