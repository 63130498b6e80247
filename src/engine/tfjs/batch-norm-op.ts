import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';

export interface BatchStats {
  readonly mean: Float32Array;
  /** Biased variance (what normalised the batch). */
  readonly variance: Float32Array;
  /** Values per channel the statistics were taken over. */
  readonly count: number;
}

/**
 * Training-mode batch norm over all axes but the last (channels-last), PyTorch semantics:
 * normalise with the batch mean and biased variance; `onStats` receives them (read back to JS)
 * for the running-statistics update. Gradient: the standard closed form
 * dx = gamma / sqrt(var + eps) / m * (m dy - sum(dy) - xhat sum(dy xhat)).
 */
export function batchNormTrainOp(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  needX: boolean,
  onStats: (s: BatchStats) => void,
): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, k) => k);
  const m = x.size / x.shape[x.rank - 1];
  const inputs = [...(needX ? [x] : []), gamma, beta];
  return customOp(inputs, (save) => {
    const { mean, variance } = tf.moments(x, axes);
    onStats({ mean: new Float32Array(mean.dataSync()), variance: new Float32Array(variance.dataSync()), count: m });
    const inv = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(x, mean), inv);
    save([xhat, inv, gamma]);
    return {
      value: tf.add(tf.mul(xhat, gamma), beta),
      backward: (dy, [xhatSaved, invSaved, gammaSaved]) => {
        const dbeta = tf.sum(dy, axes);
        const dgamma = tf.sum(tf.mul(dy, xhatSaved), axes);
        const grads: tf.Tensor[] = [];
        if (needX) {
          const scale = tf.div(tf.mul(gammaSaved, invSaved), m);
          const inner = tf.sub(tf.sub(tf.mul(dy, m), dbeta), tf.mul(xhatSaved, dgamma));
          grads.push(tf.mul(inner, scale));
        }
        grads.push(dgamma, dbeta);
        return grads;
      },
    };
  });
}
