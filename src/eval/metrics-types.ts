/**
 * The metrics of one set of predictions. Every metric that can be undefined on some inputs
 * (AUROC with a single class present, PPV with no predicted positives, ...) is `number | null`,
 * and when it is null `undefinedReasons` says why: a report shows the reason, never a made-up
 * number. The object is plain JSON (no NaN, no typed arrays) so it can go into results.json as is.
 */
export type ClassificationTask = 'binary' | 'multiclass';

/** One non-empty bin of a calibration curve (equal-width bins over [0, 1]). */
export type CalibrationPoint = {
  /** Bin edges; the last bin includes 1. */
  readonly lower: number;
  readonly upper: number;
  /** Mean predicted probability of the examples in the bin. */
  readonly meanPredicted: number;
  /** Observed frequency of the event (binary: y = 1; multi-class: top label correct). */
  readonly observed: number;
  readonly count: number;
};

/** Names of the metrics that may be null. */
export type NullableMetricName =
  | 'auroc'
  | 'auprc'
  | 'balancedAccuracy'
  | 'sensitivity'
  | 'specificity'
  | 'ppv'
  | 'npv'
  | 'f1';

/** A type alias (not an interface) so it is assignable to results.json's open metrics record. */
export type Metrics = {
  readonly task: ClassificationTask;
  /** Number of examples. */
  readonly n: number;
  readonly numClasses: number;
  /** Examples per true class (index = class). */
  readonly classCounts: number[];
  /** Decision threshold on P(y=1) (binary); null for multi-class (argmax). */
  readonly threshold: number | null;
  /** Binary: ROC AUC. Multi-class: macro one-vs-rest AUROC over the classes present. */
  readonly auroc: number | null;
  /** Binary only: average precision (step-wise, as scikit-learn). */
  readonly auprc: number | null;
  readonly accuracy: number;
  /** Mean per-class recall over the classes present in the labels. */
  readonly balancedAccuracy: number | null;
  /** Binary only, at `threshold`: recall of class 1, recall of class 0, precision, NPV, F1. */
  readonly sensitivity: number | null;
  readonly specificity: number | null;
  readonly ppv: number | null;
  readonly npv: number | null;
  readonly f1: number | null;
  /** Binary: mean (p - y)^2. Multi-class: mean over rows of sum_c (p_c - 1[y=c])^2 (range 0..2). */
  readonly brier: number;
  /** Expected calibration error (binary: of P(y=1); multi-class: of the top-label confidence). */
  readonly ece: number;
  /** The non-empty calibration bins ECE was computed from. */
  readonly calibration: CalibrationPoint[];
  readonly undefinedReasons: Partial<Record<NullableMetricName, string>>;
};

export interface EvaluateOptions {
  /** Binary decision threshold on P(y=1): predicted positive when score >= threshold (default 0.5). */
  readonly threshold?: number;
  /** Equal-width calibration bins over [0, 1] (default 10). */
  readonly calibrationBins?: number;
  /** For error messages, e.g. "site-a test split". */
  readonly where?: string;
}
