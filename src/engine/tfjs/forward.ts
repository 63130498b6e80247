import * as tf from '@tensorflow/tfjs-core';
import type { LayerShapes, ModelLayout } from '../../core/model-params.js';
import { pair } from '../../core/model-spec.js';
import { activate } from './activations.js';
import { batchNormTrainOp, type BatchStats } from './batch-norm-op.js';
import { dropoutMask } from './dropout-mask.js';
import { activationOp, convOp, denseOp, flattenOp, maskOp, poolOp } from './layer-ops.js';

/** Batch statistics of one batch-norm layer in training mode. */
export interface BatchNormStats extends BatchStats {
  readonly layerIndex: number;
}

export interface ForwardMode {
  readonly training: boolean;
  /** Dropout is applied only in training mode with a seed. */
  readonly dropoutSeed?: number;
  /** Training mode: receives each batch-norm layer's batch statistics. */
  readonly batchNormStats?: BatchNormStats[];
}

/** Tensors by parameter name ("<layer>.<role>"), in the TF.js layouts of layout-convert.ts. */
export type ParamTensors = ReadonlyMap<string, tf.Tensor>;

/** Model outputs (logits) for a batch x of shape [n, ...inputShape]. */
export function forward(layout: ModelLayout, params: ParamTensors, x: tf.Tensor, mode: ForwardMode): tf.Tensor2D {
  let h = x;
  // A layer's input needs a gradient once some earlier layer has parameters.
  let needX = false;
  for (const shapes of layout.layers) {
    h = layerForward(shapes, params, h, mode, needX);
    needX ||= layout.params.some((p) => p.layerIndex === shapes.index && p.trainable);
  }
  return h as tf.Tensor2D;
}

const as4d = (n: number, s: readonly number[]): [number, number, number, number] =>
  s.length === 2 ? [n, 1, s[0], s[1]] : [n, s[0], s[1], s[2]];

function layerForward(shapes: LayerShapes, params: ParamTensors, x: tf.Tensor, mode: ForwardMode, needX: boolean): tf.Tensor {
  const { index: i, layer } = shapes;
  const n = x.shape[0];
  const get = (role: string) => params.get(`${i}.${role}`);
  const outShape = [n, ...shapes.outputShape];
  switch (layer.type) {
    case 'dense':
      return denseOp(x as tf.Tensor2D, get('weight') as tf.Tensor2D, get('bias'), layer.activation, needX);
    case 'conv2d':
    case 'conv1d': {
      const strides: [number, number] = layer.type === 'conv1d' ? [1, layer.stride] : pair(layer.stride);
      const geometry = { strides, pad: layer.padding, outShape };
      return convOp(x, as4d(n, shapes.inputShape), get('weight') as tf.Tensor4D, get('bias'), layer.activation, geometry, needX);
    }
    case 'maxPool2d':
    case 'avgPool2d':
    case 'maxPool1d':
    case 'avgPool1d': {
      const oneD = layer.type === 'maxPool1d' || layer.type === 'avgPool1d';
      const size = layer.poolSize;
      const stride = layer.stride ?? layer.poolSize;
      const geometry = {
        kind: layer.type.startsWith('max') ? ('max' as const) : ('avg' as const),
        filterSize: oneD ? ([1, size as number] as [number, number]) : pair(size),
        strides: oneD ? ([1, stride as number] as [number, number]) : pair(stride),
        pad: layer.padding,
        outShape,
      };
      return poolOp(x, as4d(n, shapes.inputShape), geometry, needX);
    }
    case 'flatten':
      return flattenOp(x, needX);
    case 'dropout':
      if (!mode.training || mode.dropoutSeed === undefined || layer.rate === 0) return x;
      return maskOp(x, dropoutMask(mode.dropoutSeed, i, x.size, layer.rate), needX);
    case 'batchNorm': {
      const gamma = get('weight') as tf.Tensor1D;
      const beta = get('bias') as tf.Tensor1D;
      if (!mode.training) {
        return tf.batchNorm(x, get('running_mean') as tf.Tensor1D, get('running_var') as tf.Tensor1D, beta, gamma, layer.epsilon);
      }
      return batchNormTrainOp(x, gamma, beta, layer.epsilon, needX, (s) => mode.batchNormStats?.push({ layerIndex: i, ...s }));
    }
    case 'activation':
      return mode.training ? activationOp(x, layer.activation, needX) : activate(x, layer.activation);
  }
}
