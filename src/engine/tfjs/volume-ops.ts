import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../core/model-spec.js';
import { activate, activationGrad } from './activations.js';
import { customOp } from './custom-op.js';
import { FUSED_CONV3D } from './kernels/conv3d.js';
import { upsampleNearest, upsampleNearestGrad } from './upsample-nearest.js';

/**
 * Layer ops for volumes and U-Nets: conv3d, 3D pooling, nearest-neighbour upsampling and the
 * channel concatenation of a skip block. Like layer-ops.ts, each is one tf.customGrad op whose
 * backward pass runs named kernels directly (on wasm: medfed's Conv3D*, MaxPool3D* replacements).
 */

const withX = (x: tf.Tensor, needX: boolean): tf.Tensor[] => (needX ? [x] : []);

export interface Conv3dGeometry {
  readonly strides: [number, number, number];
  readonly pad: 'valid' | 'same';
}

/** y = act(conv3d(x, W) + b), NDHWC, filter [kd, kh, kw, in, out]. */
export function conv3dOp(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor | undefined,
  act: Activation,
  g: Conv3dGeometry,
  needX: boolean,
): tf.Tensor {
  const inputs = [...withX(x, needX), w, ...(b ? [b] : [])];
  const common = { strides: g.strides, pad: g.pad };
  const filters = w.shape[w.shape.length - 1];
  return customOp(inputs, (save) => {
    const attrs = { ...common, dataFormat: 'NDHWC', dilations: [1, 1, 1] };
    let y: tf.Tensor;
    if (tf.getBackend() === 'wasm') {
      // One fused kernel: conv + bias + relu (kernels/conv3d.ts); other activations applied after.
      const inputsK = { x, filter: w, ...(b ? { bias: b } : {}) };
      const z = tf.engine().runKernel(FUSED_CONV3D, inputsK, { ...attrs, activation: act === 'relu' ? 'relu' : 'linear' }) as tf.Tensor;
      y = act === 'relu' ? z : activate(z, act);
    } else {
      const z = tf.engine().runKernel('Conv3D', { x, filter: w }, attrs) as tf.Tensor;
      y = activate(b ? tf.add(z, b) : z, act);
    }
    save([x, w, y]);
    return {
      value: y,
      backward: (dy, [xs, ws, ys]) => {
        const dz = activationGrad(dy, ys, act);
        const grads: tf.Tensor[] = [];
        if (needX) grads.push(tf.engine().runKernel('Conv3DBackpropInputV2', { dy: dz, filter: ws }, { ...common, inputShape: xs.shape }) as tf.Tensor);
        grads.push(tf.engine().runKernel('Conv3DBackpropFilterV2', { x: xs, dy: dz }, { ...common, filterShape: ws.shape }) as tf.Tensor);
        if (b) grads.push(tf.sum(tf.reshape(dz, [-1, filters]), 0));
        return grads;
      },
    };
  });
}

export interface Pool3dGeometry {
  readonly kind: 'max' | 'avg';
  readonly filterSize: [number, number, number];
  readonly strides: [number, number, number];
  readonly pad: 'valid' | 'same';
}

/** Max or average pooling over [n, D, H, W, C]; 'same' averages count only in-bounds values. */
export function pool3dOp(x: tf.Tensor, g: Pool3dGeometry, needX: boolean): tf.Tensor {
  const attrs = { filterSize: g.filterSize, strides: g.strides, pad: g.pad, dataFormat: 'NDHWC' };
  return customOp(withX(x, needX), (save) => {
    const y = tf.engine().runKernel(g.kind === 'max' ? 'MaxPool3D' : 'AvgPool3D', { x }, attrs) as tf.Tensor;
    save([x]);
    return {
      value: y,
      backward: (dy, [xs]) => [tf.engine().runKernel(g.kind === 'max' ? 'MaxPool3DGrad' : 'AvgPool3DGrad', { dy, input: xs }, attrs) as tf.Tensor],
    };
  });
}

/** Nearest-neighbour upsampling of [n, ...spatial, C] by one integer factor per spatial axis. */
export function upsampleOp(x: tf.Tensor, factors: readonly number[], outShape: number[], needX: boolean): tf.Tensor {
  const inShape = [...x.shape];
  return customOp(withX(x, needX), () => ({
    value: tf.tensor(upsampleNearest(x.dataSync() as Float32Array, inShape, factors), outShape, 'float32'),
    backward: (dy) => [tf.tensor(upsampleNearestGrad(dy.dataSync() as Float32Array, inShape, factors), inShape, 'float32')],
  }));
}

/**
 * [x, z] concatenated on the channel (last) axis, x first: a skip block's output. `needX` and
 * `needZ` say which of the two needs a gradient; x's gradient from here is added by the tape to
 * the one that flows back through the block's inner layers.
 */
export function concatChannelsOp(x: tf.Tensor, z: tf.Tensor, needX: boolean, needZ: boolean): tf.Tensor {
  const cx = x.shape[x.rank - 1];
  const cz = z.shape[z.rank - 1];
  const inputs = [...withX(x, needX), ...withX(z, needZ)];
  return customOp(inputs, () => ({
    value: tf.concat([x, z], x.rank - 1),
    backward: (dy) => {
      const rows = dy.size / (cx + cz);
      const flat = tf.reshape(dy, [rows, cx + cz]);
      const grads: tf.Tensor[] = [];
      if (needX) grads.push(tf.reshape(tf.slice(flat, [0, 0], [rows, cx]), x.shape));
      if (needZ) grads.push(tf.reshape(tf.slice(flat, [0, cx], [rows, cz]), z.shape));
      return grads;
    },
  }));
}
