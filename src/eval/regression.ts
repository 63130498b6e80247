import { requireNonEmpty } from './validate-inputs.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';

/** Regression metrics over all outputs (several targets per example: every value counts once). */
export type RegressionMetrics = {
  readonly task: 'regression';
  readonly n: number;
  readonly rmse: number;
  readonly mae: number;
  /** 1 - SSE / SST over the targets; null when the targets are constant (SST = 0). */
  readonly r2: number | null;
  readonly undefinedReasons: Partial<Record<'r2', string>>;
};

export function regressionMetrics(predicted: Float32Array, targets: Float32Array, where = 'regression metrics'): RegressionMetrics {
  if (predicted.length !== targets.length) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${predicted.length} predictions for ${targets.length} targets`, { where });
  }
  requireNonEmpty(targets.length, where);
  let mean = 0;
  for (let i = 0; i < targets.length; i++) mean += targets[i];
  mean /= targets.length;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < targets.length; i++) {
    const p = predicted[i];
    if (!Number.isFinite(p)) throw new MedfedError(ErrorCodes.DATA_INVALID, `prediction ${i} is ${p}`, { where, hint: 'the model diverged: lower the learning rate' });
    const e = p - targets[i];
    sse += e * e;
    sae += Math.abs(e);
    sst += (targets[i] - mean) ** 2;
  }
  const n = targets.length;
  return {
    task: 'regression',
    n,
    rmse: Math.sqrt(sse / n),
    mae: sae / n,
    r2: sst > 0 ? 1 - sse / sst : null,
    undefinedReasons: sst > 0 ? {} : { r2: 'the targets are constant' },
  };
}
