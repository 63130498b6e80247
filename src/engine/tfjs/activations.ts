import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../core/model-spec.js';

export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    default:
      return x;
  }
}

/** d(loss)/d(pre-activation) from dy and the activation's output y (relu' is 0 at 0, as in PyTorch). */
export function activationGrad(dy: tf.Tensor, y: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    default:
      return dy;
  }
}
