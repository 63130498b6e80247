import * as tf from '@tensorflow/tfjs-core';

/** What a layer op's forward pass returns: its output and the gradients for its inputs. */
export interface OpPass {
  readonly value: tf.Tensor;
  /** d(loss)/d(input) for each input, in order; `saved` holds what forward passed to `save`. */
  readonly backward: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
}

/**
 * One differentiable op with a hand-written gradient, on TF.js's tape (tf.customGrad).
 * The npm build of tfjs-core registers no gradient functions (those ship in the @tensorflow/tfjs
 * bundle), so every layer defines its own; this also lets a layer fuse its forward kernels (matmul
 * + bias + relu in one) and skip gradients nobody needs (the first layer's input).
 * `inputs` are the tensors that need gradients. `backward` must only use tensors that `forward`
 * passed to `save` (they arrive as `saved`): TF.js frees every other intermediate of the forward
 * pass, the layer's input included, before the backward pass runs.
 */
export function customOp(inputs: tf.Tensor[], forward: (save: (ts: tf.Tensor[]) => void) => OpPass): tf.Tensor {
  if (inputs.length === 0) return forward(() => undefined).value;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { value, backward } = forward((ts) => save(ts));
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved) };
  });
  return op(...inputs);
}
