import { bootstrapInterval, type BootstrapInterval, type BootstrapOptions } from './bootstrap.js';
import { evaluatePredictions } from './evaluate.js';
import type { EvaluateOptions, Metrics } from './metrics-types.js';

/** Metrics with a single numeric (or null) value. */
export type ScalarMetricName = {
  [K in keyof Metrics]: Metrics[K] extends number | null ? K : never;
}[keyof Metrics];

/** Rows `indices` of a row-major matrix with `perRow` values per row. */
function takeRows(values: Float32Array, indices: Int32Array, perRow: number): Float32Array {
  const out = new Float32Array(indices.length * perRow);
  for (let i = 0; i < indices.length; i++) {
    out.set(values.subarray(indices[i] * perRow, (indices[i] + 1) * perRow), i * perRow);
  }
  return out;
}

/**
 * Bootstrap interval of one metric of evaluatePredictions (e.g. 'auroc'), resampling examples.
 * Set `stratifyByLabel` to resample within each class (keeps the class balance; AUROC then stays
 * defined in every resample).
 */
export function bootstrapMetric(
  probabilities: Float32Array,
  labels: Float32Array,
  numOutputs: number,
  metric: ScalarMetricName | ((m: Metrics) => number | null),
  options: BootstrapOptions & EvaluateOptions & { stratifyByLabel?: boolean },
): BootstrapInterval {
  const pick = typeof metric === 'function' ? metric : (m: Metrics) => m[metric];
  // Validate once on the full sample (throws on bad input before any resampling).
  evaluatePredictions(probabilities, labels, numOutputs, options);
  return bootstrapInterval(
    labels.length,
    (idx) => pick(evaluatePredictions(takeRows(probabilities, idx, numOutputs), takeRows(labels, idx, 1), numOutputs, options)),
    { ...options, strata: options.stratifyByLabel ? labels : options.strata },
  );
}
