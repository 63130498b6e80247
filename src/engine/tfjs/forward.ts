import * as tf from '@tensorflow/tfjs-core';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { upsampleFactors, type LayerShapes, type ModelLayout } from '../../core/model-params.js';
import { pair, triple } from '../../core/model-spec.js';
import { activate } from './activations.js';
import { batchNormTrainOp, type BatchStats } from './batch-norm-op.js';
import { dropoutMask } from './dropout-mask.js';
import { activationOp, convOp, denseOp, flattenOp, maskOp, poolOp } from './layer-ops.js';
import { recurrentOp } from './recurrent-op.js';
import { concatChannelsOp, conv3dOp, pool3dOp, upsampleOp } from './volume-ops.js';

/** Batch statistics of one batch-norm layer in training mode. */
export interface BatchNormStats extends BatchStats {
  readonly layerIndex: number;
  /** The layer's parameter-name prefix ("3", or "3.layers.1" inside a concatSkip block). */
  readonly layerPath: string;
  readonly momentum: number;
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

/**
 * Model outputs (logits) for a batch x of shape [n, ...inputShape]: [n, k], or
 * [n, ...spatial, k] for a per-voxel loss.
 */
export function forward(layout: ModelLayout, params: ParamTensors, x: tf.Tensor, mode: ForwardMode): tf.Tensor {
  return layersForward(layout, layout.layers, params, x, mode, false).h;
}

/** Whether the layer at `path` (or a layer inside it) has trainable parameters. */
function hasTrainable(layout: ModelLayout, path: string): boolean {
  return layout.params.some((p) => p.trainable && (p.layerPath === path || p.layerPath.startsWith(`${path}.`)));
}

/** Runs a list of layers; returns the output and whether it needs a gradient. */
function layersForward(
  layout: ModelLayout,
  list: readonly LayerShapes[],
  params: ParamTensors,
  x: tf.Tensor,
  mode: ForwardMode,
  needInput: boolean,
): { h: tf.Tensor; needX: boolean } {
  let h = x;
  // A layer's input needs a gradient once some earlier layer has parameters.
  let needX = needInput;
  for (const shapes of list) {
    h = shapes.layer.type === 'concatSkip' ? concatSkipForward(layout, shapes, params, h, mode, needX) : layerForward(shapes, params, h, mode, needX);
    needX ||= hasTrainable(layout, shapes.path);
  }
  return { h, needX };
}

/** A concatSkip block: [x, inner(x)] on the channel axis. */
function concatSkipForward(layout: ModelLayout, shapes: LayerShapes, params: ParamTensors, x: tf.Tensor, mode: ForwardMode, needX: boolean): tf.Tensor {
  const inner = layersForward(layout, shapes.children ?? [], params, x, mode, needX);
  return concatChannelsOp(x, inner.h, needX, inner.needX);
}

const as4d = (n: number, s: readonly number[]): [number, number, number, number] =>
  s.length === 2 ? [n, 1, s[0], s[1]] : [n, s[0], s[1], s[2]];

function layerForward(shapes: LayerShapes, params: ParamTensors, x: tf.Tensor, mode: ForwardMode, needX: boolean): tf.Tensor {
  const { index: i, path, layer } = shapes;
  const n = x.shape[0];
  const get = (role: string) => params.get(`${path}.${role}`);
  const nested = path !== String(i);
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
    case 'conv3d':
      return conv3dOp(x, get('weight')!, get('bias'), layer.activation, { strides: triple(layer.stride), pad: layer.padding }, needX);
    case 'maxPool3d':
    case 'avgPool3d': {
      const kind = layer.type === 'maxPool3d' ? ('max' as const) : ('avg' as const);
      const filterSize = triple(layer.poolSize);
      return pool3dOp(x, { kind, filterSize, strides: triple(layer.stride ?? layer.poolSize), pad: layer.padding }, needX);
    }
    case 'upsample':
      return upsampleOp(x, upsampleFactors(layer.scaleFactor, shapes.inputShape.length - 1)!, outShape, needX);
    case 'concatSkip':
      throw new MedfedError(ErrorCodes.INTERNAL, `layer ${path} (concatSkip) reached layerForward`, { where: 'src/engine/tfjs/forward.ts' });
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
      // Top-level layers keep their index as the mask's label; nested ones use their path.
      return maskOp(x, dropoutMask(mode.dropoutSeed, nested ? path : i, x.size, layer.rate), needX);
    case 'batchNorm': {
      const gamma = get('weight') as tf.Tensor1D;
      const beta = get('bias') as tf.Tensor1D;
      if (!mode.training) {
        return tf.batchNorm(x, get('running_mean') as tf.Tensor1D, get('running_var') as tf.Tensor1D, beta, gamma, layer.epsilon);
      }
      return batchNormTrainOp(x, gamma, beta, layer.epsilon, needX, (s) =>
        mode.batchNormStats?.push({ layerIndex: i, layerPath: path, momentum: layer.momentum, ...s }),
      );
    }
    case 'activation':
      return mode.training ? activationOp(x, layer.activation, needX) : activate(x, layer.activation);
    case 'lstm':
    case 'gru': {
      const w = { wih: get('weight_ih_l0') as tf.Tensor2D, whh: get('weight_hh_l0') as tf.Tensor2D, bih: get('bias_ih_l0') as tf.Tensor1D, bhh: get('bias_hh_l0') as tf.Tensor1D };
      return recurrentOp(x, w, { type: layer.type, returnSequences: layer.returnSequences, training: mode.training, needX });
    }
  }
}
