/**
 * Conv2DBackpropInput for wasm: the stock kernel is a plain loop (~0.1 GMAC/s). Here dx is a
 * stride-1 convolution of dy (zero-dilated by the forward stride) with the filter rotated 180°
 * and its channel axes swapped, run on the fast XNNPACK Conv2D kernel.
 */
import { Conv2DBackpropInput, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { convInfoNHWC, conv2dExplicit, type ConvGradAttrs } from './conv-info.js';
import { alias, heapF32, release, slice, type BackendWasm } from './wasm-backend.js';

type Shape4 = [number, number, number, number];

/** W[kh,kw,ci,co] -> W'[KH-1-kh, KW-1-kw, co, ci]. */
function rotatedFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const out = backend.makeOutput([kh, kw, co, ci], 'float32');
  const src = heapF32(backend, filter);
  const dst = heapF32(backend, out);
  for (let r = 0; r < kh; r++) {
    for (let c = 0; c < kw; c++) {
      const srcTap = (r * kw + c) * ci * co;
      const dstTap = ((kh - 1 - r) * kw + (kw - 1 - c)) * co * ci;
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) dst[dstTap + o * ci + i] = src[srcTap + i * co + o];
      }
    }
  }
  return out;
}

/** Inserts stride-1 zeros between the rows and columns of dy (a reference when strides are 1). */
function dilated(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return alias(backend, dy, [...dy.shape]);
  const [n, oh, ow, c] = dy.shape;
  const dh = (oh - 1) * sh + 1;
  const dw = (ow - 1) * sw + 1;
  const out = backend.makeOutput([n, dh, dw, c], 'float32');
  const src = heapF32(backend, dy);
  const dst = heapF32(backend, out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const from = ((b * oh + r) * ow + q) * c;
        dst.set(src.subarray(from, from + c), ((b * dh + r * sh) * dw + q * sw) * c);
      }
    }
  }
  return out;
}

function conv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  attrs: ConvGradAttrs & { inputShape: Shape4 };
  backend: BackendWasm;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { dy, filter } = inputs;
  const info = convInfoNHWC(Conv2DBackpropInput, attrs.inputShape, filter.shape as Shape4, attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w } = info;
  const dyDilated = dilated(backend, dy, sh, sw);
  const [, dh, dw] = dyDilated.shape;
  // Full correlation: pad kh-1-top before; after, whatever makes the output h rows tall.
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = h + kh - 1 - top - dh;
  const right = w + kw - 1 - left - dw;
  const pads: [number, number, number, number] = [Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)];
  const rotated = rotatedFilter(backend, filter);
  const full = conv2dExplicit(backend, dyDilated, rotated, { strides: [1, 1], dilations: [1, 1], pads });
  release(backend, dyDilated, rotated);
  const dx = slice(backend, full, [0, Math.max(0, -top), Math.max(0, -left), 0], [info.batchSize, h, w, info.inChannels]);
  release(backend, full);
  return dx;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
