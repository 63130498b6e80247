import * as tf from '@tensorflow/tfjs-core';
import type { LossName } from '../../core/model-spec.js';
import { lossAndGradient } from './losses.js';

/**
 * The loss as one differentiable TF.js op whose value and gradient are computed together in JS
 * from the logits (a handful of floats per example): fewer kernels per step than composing
 * logSoftmax and friends. `lastLoss` holds the float64 value of the latest call.
 */
export class LossOp {
  lastLoss = NaN;
  private grad = new Float32Array(0);

  constructor(private readonly loss: LossName) {}

  /** `logits` [n, k], or [n, ...spatial, k] (one row of k per position) for the voxel loss. */
  apply(logits: tf.Tensor, targets: ArrayLike<number>): tf.Scalar {
    const k = logits.shape[logits.rank - 1];
    const n = logits.size / k;
    const shape = [...logits.shape];
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const z = args[0] as tf.Tensor;
      if (this.grad.length !== n * k) this.grad = new Float32Array(n * k);
      this.lastLoss = lossAndGradient(this.loss, z.dataSync(), targets, n, k, this.grad);
      const gradient = this.grad;
      return {
        value: tf.scalar(this.lastLoss),
        gradFunc: (dy: tf.Tensor) => tf.mul(tf.tensor(gradient, shape, 'float32'), dy),
      };
    });
    return op(logits) as tf.Scalar;
  }
}
