import type { LossName } from '../../core/model-spec.js';
import { coxLossAndGradient } from './cox-loss.js';

/**
 * Mean loss of `n` rows of `k` logits against `targets`, computed in float64; when `grad` is
 * given it receives d(mean loss)/d(logits). Targets: class indices (softmax_cross_entropy, n
 * values), 0/1 (sigmoid_cross_entropy, n values), regression values (mse, n * k values; the mean
 * runs over all n * k outputs as in PyTorch's MSELoss), ±time (cox: negative partial log-likelihood
 * of the n rows as one batch, divided by its number of events; cox-loss.ts).
 */
export function lossAndGradient(
  loss: LossName,
  logits: ArrayLike<number>,
  targets: ArrayLike<number>,
  n: number,
  k: number,
  grad?: Float32Array,
): number {
  if (loss === 'cox') return coxLossAndGradient(logits, targets, n, grad); // k = 1; per event, not per row
  let total = 0;
  // voxel_softmax_cross_entropy: the same with one row per voxel (n = examples * voxels).
  if (loss === 'softmax_cross_entropy' || loss === 'voxel_softmax_cross_entropy') {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let m = -Infinity;
      for (let j = 0; j < k; j++) m = Math.max(m, logits[o + j]);
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(logits[o + j] - m);
      const label = targets[i];
      total += m + Math.log(s) - logits[o + label];
      if (grad) for (let j = 0; j < k; j++) grad[o + j] = (Math.exp(logits[o + j] - m) / s - (j === label ? 1 : 0)) / n;
    }
    return total / n;
  }
  if (loss === 'sigmoid_cross_entropy') {
    for (let i = 0; i < n; i++) {
      const z = logits[i];
      const y = targets[i];
      total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      if (grad) grad[i] = (sigmoid(z) - y) / n;
    }
    return total / n;
  }
  const m = n * k;
  for (let i = 0; i < m; i++) {
    const d = logits[i] - targets[i];
    total += d * d;
    if (grad) grad[i] = (2 * d) / m;
  }
  return total / m;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The loss's link applied to `n` rows of `k` logits: softmax, sigmoid or identity. */
export function applyLink(loss: LossName, logits: ArrayLike<number>, n: number, k: number, out: Float32Array): void {
  if (loss === 'softmax_cross_entropy' || loss === 'voxel_softmax_cross_entropy') {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let m = -Infinity;
      for (let j = 0; j < k; j++) m = Math.max(m, logits[o + j]);
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(logits[o + j] - m);
      for (let j = 0; j < k; j++) out[o + j] = Math.exp(logits[o + j] - m) / s;
    }
  } else if (loss === 'sigmoid_cross_entropy') {
    for (let i = 0; i < n * k; i++) out[i] = sigmoid(logits[i]);
  } else {
    for (let i = 0; i < n * k; i++) out[i] = logits[i];
  }
}
