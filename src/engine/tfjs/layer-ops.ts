import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../core/model-spec.js';
import { activate, activationGrad } from './activations.js';
import { customOp } from './custom-op.js';

/** Activations the fused matmul/conv kernels apply themselves on every backend. */
const fusedActivation = (a: Activation): 'relu' | 'linear' => (a === 'relu' ? 'relu' : 'linear');
const afterFused = (y: tf.Tensor, a: Activation): tf.Tensor => (a === 'relu' ? y : activate(y, a));
/** The layer input as an op input when it needs a gradient (every layer after the first with weights). */
const withX = (x: tf.Tensor, needX: boolean): tf.Tensor[] => (needX ? [x] : []);

/** y = act(x W + b): one fused kernel forward; x [n, in], W [in, out]. */
export function denseOp(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor | undefined, act: Activation, needX: boolean): tf.Tensor {
  const [n, inn] = x.shape;
  const out = w.shape[1];
  const inputs = [...withX(x, needX), w, ...(b ? [b] : [])];
  return customOp(inputs, (save) => {
    const z = tf.engine().runKernel(
      '_FusedMatMul',
      { a: tf.reshape(x, [1, n, inn]), b: tf.reshape(w, [1, inn, out]), ...(b ? { bias: b } : {}) },
      { transposeA: false, transposeB: false, activation: fusedActivation(act) },
    ) as tf.Tensor;
    const y = afterFused(tf.reshape(z, [n, out]), act);
    save([x, w, y]);
    return {
      value: y,
      backward: (dy, [xs, ws, ys]) => {
        const dz = activationGrad(dy, ys, act) as tf.Tensor2D;
        const grads = needX ? [tf.matMul(dz, ws as tf.Tensor2D, false, true)] : [];
        grads.push(tf.matMul(xs as tf.Tensor2D, dz, true, false));
        if (b) grads.push(tf.sum(dz, 0));
        return grads;
      },
    };
  });
}

export interface Conv2dGeometry {
  readonly strides: [number, number];
  readonly pad: 'valid' | 'same';
  /** Shape of the layer's output outside the op ([n, L, C] for conv1d run as a conv2d of height 1). */
  readonly outShape: number[];
}

/** y = act(conv2d(x, W) + b), NHWC, filter [kh, kw, in, out]; x is reshaped to 4D inside (conv1d). */
export function convOp(
  x: tf.Tensor,
  x4Shape: [number, number, number, number],
  w: tf.Tensor4D,
  b: tf.Tensor | undefined,
  act: Activation,
  g: Conv2dGeometry,
  needX: boolean,
): tf.Tensor {
  const inputs = [...withX(x, needX), w, ...(b ? [b] : [])];
  return customOp(inputs, (save) => {
    const x4 = tf.reshape(x, x4Shape);
    const z = tf.engine().runKernel(
      'FusedConv2D',
      { x: x4, filter: w, ...(b ? { bias: b } : {}) },
      { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: fusedActivation(act) },
    ) as tf.Tensor4D;
    const y4 = afterFused(z, act);
    save([x4, w, y4]);
    return {
      value: tf.reshape(y4, g.outShape),
      backward: (dy, [xs, ws, ys]) => {
        const dz = activationGrad(tf.reshape(dy, ys.shape), ys, act);
        const common = { strides: g.strides, pad: g.pad, dataFormat: 'NHWC' };
        const grads: tf.Tensor[] = [];
        if (needX) {
          const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: ws }, { ...common, inputShape: x4Shape }) as tf.Tensor;
          grads.push(tf.reshape(dx, x.shape));
        }
        grads.push(tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dz }, { ...common, filterShape: w.shape }) as tf.Tensor);
        if (b) grads.push(tf.sum(dz, [0, 1, 2]));
        return grads;
      },
    };
  });
}

export interface PoolGeometry {
  readonly kind: 'max' | 'avg';
  readonly filterSize: [number, number];
  readonly strides: [number, number];
  readonly pad: 'valid' | 'same';
  readonly outShape: number[];
}

/** TF/PyTorch 'same' padding of one axis: [before, after] (the extra one after). */
function samePadding(size: number, k: number, s: number): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Average pooling with 'same' padding as TF defines it (the mean over the window's real elements),
 * written as valid pooling of the zero-padded input divided by the share of real elements: tfjs
 * 4.22's AvgPoolGrad is wrong wherever 'same' padding is non-zero (on cpu and wasm), while its
 * valid-padding gradient is right.
 */
function avgPoolSameOp(x: tf.Tensor, x4Shape: [number, number, number, number], g: PoolGeometry, needX: boolean): tf.Tensor {
  const [ph, pw] = [samePadding(x4Shape[1], g.filterSize[0], g.strides[0]), samePadding(x4Shape[2], g.filterSize[1], g.strides[1])];
  const paddings: [number, number][] = [[0, 0], ph, pw, [0, 0]];
  return customOp(withX(x, needX), (save) => {
    const padded = tf.pad(tf.reshape(x, x4Shape) as tf.Tensor4D, paddings);
    const share = tf.avgPool(tf.pad(tf.ones([1, x4Shape[1], x4Shape[2], 1]) as tf.Tensor4D, paddings), g.filterSize, g.strides, 'valid');
    const y4 = tf.div(tf.avgPool(padded, g.filterSize, g.strides, 'valid'), share);
    save([padded, share]);
    return {
      value: tf.reshape(y4, g.outShape),
      backward: (dy, [ps, sh]) => {
        const dy4 = tf.div(tf.reshape(dy, [x4Shape[0], sh.shape[1] as number, sh.shape[2] as number, x4Shape[3]]), sh);
        const dPadded = tf.engine().runKernel('AvgPoolGrad', { dy: dy4, input: ps }, { filterSize: g.filterSize, strides: g.strides, pad: 'valid' }) as tf.Tensor4D;
        const dx = tf.slice(dPadded, [0, ph[0], pw[0], 0], x4Shape);
        return [tf.reshape(dx, x.shape)];
      },
    };
  });
}

/** Max or average pooling, NHWC; x is reshaped to 4D inside (1D pooling). */
export function poolOp(x: tf.Tensor, x4Shape: [number, number, number, number], g: PoolGeometry, needX: boolean): tf.Tensor {
  if (g.kind === 'avg' && g.pad === 'same') {
    const padded = samePadding(x4Shape[1], g.filterSize[0], g.strides[0]).concat(samePadding(x4Shape[2], g.filterSize[1], g.strides[1]));
    if (padded.some((p) => p > 0)) return avgPoolSameOp(x, x4Shape, g, needX);
  }
  return customOp(withX(x, needX), (save) => {
    const x4 = tf.reshape(x, x4Shape) as tf.Tensor4D;
    const y4 = g.kind === 'max' ? tf.maxPool(x4, g.filterSize, g.strides, g.pad) : tf.avgPool(x4, g.filterSize, g.strides, g.pad);
    save([x4, y4]);
    return {
      value: tf.reshape(y4, g.outShape),
      backward: (dy, [xs, ys]) => {
        const dy4 = tf.reshape(dy, ys.shape);
        const attrs = { filterSize: g.filterSize, strides: g.strides, pad: g.pad };
        const dx =
          g.kind === 'max'
            ? tf.engine().runKernel('MaxPoolGrad', { dy: dy4, input: xs, output: ys }, attrs)
            : tf.engine().runKernel('AvgPoolGrad', { dy: dy4, input: xs }, attrs);
        return [tf.reshape(dx as tf.Tensor, x.shape)];
      },
    };
  });
}

/** Flatten [n, ...spatial, c] in PyTorch's channels-first order (so dense weights keep PyTorch's layout). */
export function flattenOp(x: tf.Tensor, needX: boolean): tf.Tensor {
  const n = x.shape[0];
  const c = x.shape[x.rank - 1];
  const flat = [n, x.size / n];
  if (x.rank <= 2) return x;
  if (c === 1 || x.size / n / c === 1) {
    return customOp(withX(x, needX), () => ({ value: tf.reshape(x, flat), backward: (dy) => [tf.reshape(dy, x.shape)] }));
  }
  const perm = [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, k) => k + 1)];
  const inverse = perm.map((_, k) => perm.indexOf(k));
  const permuted = perm.map((k) => x.shape[k]);
  return customOp(withX(x, needX), () => ({
    value: tf.reshape(tf.transpose(x, perm), flat),
    backward: (dy) => [tf.transpose(tf.reshape(dy, permuted), inverse)],
  }));
}

/** y = x * mask (inverted-dropout mask with the scale folded in). */
export function maskOp(x: tf.Tensor, mask: Float32Array, needX: boolean): tf.Tensor {
  return customOp(withX(x, needX), (save) => {
    const m = tf.tensor(mask, x.shape, 'float32');
    save([m]);
    return { value: tf.mul(x, m), backward: (dy, [mSaved]) => [tf.mul(dy, mSaved)] };
  });
}

/** A standalone activation layer. */
export function activationOp(x: tf.Tensor, act: Activation, needX: boolean): tf.Tensor {
  if (act === 'linear') return x;
  return customOp(withX(x, needX), (save) => {
    const y = activate(x, act);
    save([y]);
    return { value: y, backward: (dy, [ySaved]) => [activationGrad(dy, ySaved, act)] };
  });
}
