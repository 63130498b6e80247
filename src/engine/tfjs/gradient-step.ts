import * as tf from '@tensorflow/tfjs-core';
import type { ModelLayout } from '../../core/model-params.js';
import { forward, type BatchNormStats } from './forward.js';
import { LossOp } from './loss-op.js';
import type { WeightStore } from './weight-store.js';

export interface BatchGradients {
  /** Mean loss of the batch (float64, from the loss op). */
  readonly loss: number;
  /** d(loss)/d(tensor) for each trainable tensor, TF.js layouts, in `trainable` order; caller disposes. */
  readonly grads: tf.Tensor[];
  readonly batchNormStats: BatchNormStats[];
}

/** Forward and backward pass on one batch in training mode. */
export class GradientStep {
  readonly trainable: number[];
  private readonly lossOp: LossOp;

  constructor(
    private readonly layout: ModelLayout,
    private readonly store: WeightStore,
  ) {
    this.trainable = layout.params.flatMap((p, i) => (p.trainable ? [i] : []));
    this.lossOp = new LossOp(layout.spec.loss);
  }

  run(x: Float32Array, y: ArrayLike<number>, n: number, dropoutSeed: number | undefined): BatchGradients {
    const params = this.store.tensors();
    const names = this.trainable.map((i) => this.layout.params[i].name);
    const xs = names.map((name) => params.get(name)!);
    const batchNormStats: BatchNormStats[] = [];
    const f = () => {
      const input = tf.tensor(x, [n, ...this.layout.spec.inputShape], 'float32');
      const logits = forward(this.layout, params, input, { training: true, dropoutSeed, batchNormStats });
      return this.lossOp.apply(logits, y);
    };
    const { value, grads } = tf.valueAndGrads(f)(xs);
    value.dispose();
    return { loss: this.lossOp.lastLoss, grads, batchNormStats };
  }
}
