/**
 * Conv2DBackpropFilter for wasm (missing in tfjs-backend-wasm 4.22), computed on the fast
 * XNNPACK Conv2D kernel: dW[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh*s+kh-pt, ow*s+kw-pl, ci] dy[n,oh,ow,co]
 * is a convolution of x^T [Ci,H,W,N] with dy^T [OH,OW,N,Co] whose dilation is the forward stride.
 */
import { Conv2DBackpropFilter, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { convInfoNHWC, conv2dExplicit, type ConvGradAttrs } from './conv-info.js';
import { release, slice, transpose, type BackendWasm } from './wasm-backend.js';

type Shape4 = [number, number, number, number];

function conv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  attrs: ConvGradAttrs & { filterShape: Shape4 };
  backend: BackendWasm;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x, dy } = inputs;
  const info = convInfoNHWC(Conv2DBackpropFilter, x.shape as Shape4, attrs.filterShape, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w } = info;
  const { outHeight: oh, outWidth: ow } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Pad the far side just enough that the result covers all kh x kw taps; crop any surplus.
  const bottom = Math.max(0, kh - 1 + (oh - 1) * sh + 1 - h - top);
  const right = Math.max(0, kw - 1 + (ow - 1) * sw + 1 - w - left);

  const xT = transpose(backend, x, [3, 1, 2, 0]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  const full = conv2dExplicit(backend, xT, dyT, { strides: [1, 1], dilations: [sh, sw], pads: [top, bottom, left, right] });
  release(backend, xT, dyT);
  const cropped = slice(backend, full, [0, 0, 0, 0], [info.inChannels, kh, kw, info.outChannels]);
  release(backend, full);
  const dW = transpose(backend, cropped, [1, 2, 0, 3]);
  release(backend, cropped);
  return dW;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
