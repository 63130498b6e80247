/**
 * Conv3D and its two gradients for wasm, on the fast XNNPACK conv2d path. tfjs-backend-wasm
 * 4.22's Conv3D is a plain loop (~0.1 GMAC/s), its Conv3DBackpropInputV2 is wrong for every
 * input and its Conv3DBackpropFilterV2 is wrong for strides > 1 (design/engine.md).
 *
 * Depth folding: the kd depth taps of output slice od read input slices od*sd + t - front
 * (t = 0..kd-1). Gathering those slices side by side in the channel axis gives
 *   xf[n*OD + od, h, w, t*C + c] = x[n, od*sd + t - front, h, w, c]   (0 outside the input)
 * and the 3D convolution becomes one conv2d of xf with the filter [kh, kw, kd*C, Co]
 * (f[t, y, x, c, o] moved to [y, x, t, c, o]). The input gradient is that conv2d's input gradient
 * scattered back (the adjoint of the gather); the filter gradient is its filter gradient.
 */
import {
  backend_util,
  Conv3D,
  Conv3DBackpropFilterV2,
  Conv3DBackpropInputV2,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { ErrorCodes, MedfedError } from '../../../core/errors.js';
import { conv3dFilterByRows, useFilterByRows } from './conv3d-filter-rows.js';
import { alias, heapF32, release, runKernel, transpose, type BackendWasm } from './wasm-backend.js';

type Shape5 = [number, number, number, number, number];
type Pad = 'valid' | 'same' | number;

interface Conv3DAttrs {
  strides: [number, number, number] | number;
  pad: Pad;
  dilations?: [number, number, number] | number;
  dataFormat?: 'NDHWC' | 'NCDHW';
}

function info(kernel: string, xShape: Shape5, filterShape: Shape5, attrs: Conv3DAttrs): backend_util.Conv3DInfo {
  const dil = attrs.dilations ?? 1;
  const dilated = typeof dil === 'number' ? dil !== 1 : dil.some((d) => d !== 1);
  if (attrs.dataFormat === 'NCDHW' || dilated) {
    throw new MedfedError(ErrorCodes.ENGINE_FAILURE, `${kernel} on wasm supports only channels-last (NDHWC) data without dilation`, {
      where: 'src/engine/tfjs/kernels/conv3d.ts',
      hint: "use dataFormat 'NDHWC' and dilations 1",
    });
  }
  return backend_util.computeConv3DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad);
}

/** The conv2d geometry of the folded problem: strides and explicit [[0,0],[t,b],[l,r],[0,0]] padding. */
function conv2dAttrs(ci: backend_util.Conv3DInfo): { strides: [number, number]; pad: backend_util.ExplicitPadding; dataFormat: 'NHWC' } {
  const { top, bottom, left, right } = ci.padInfo;
  return { strides: [ci.strideHeight, ci.strideWidth], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC' };
}

/** x [N, D, H, W, C] -> xf [N*OD, H, W, kd*C] (see the file comment). */
function gatherDepthTaps(backend: BackendWasm, x: TensorInfo, ci: backend_util.Conv3DInfo): TensorInfo {
  const { batchSize: n, inDepth: d, inHeight: h, inWidth: w, inChannels: c, outDepth: od, strideDepth: sd, filterDepth: kd } = ci;
  const front = ci.padInfo.front;
  const hw = h * w;
  const kc = kd * c;
  const out = backend.makeOutput([n * od, h, w, kc], 'float32');
  const src = heapF32(backend, x);
  const dst = heapF32(backend, out);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < od; o++) {
      const slab = (b * od + o) * hw * kc;
      for (let t = 0; t < kd; t++) {
        const z = o * sd + t - front;
        const base = slab + t * c;
        if (z < 0 || z >= d) {
          for (let p = 0; p < hw; p++) dst.fill(0, base + p * kc, base + p * kc + c);
          continue;
        }
        const from = (b * d + z) * hw * c;
        if (c === 1) {
          for (let p = 0; p < hw; p++) dst[base + p * kc] = src[from + p];
        } else {
          for (let p = 0; p < hw; p++) dst.set(src.subarray(from + p * c, from + p * c + c), base + p * kc);
        }
      }
    }
  }
  return out;
}

/** The adjoint of gatherDepthTaps: dxf [N*OD, H, W, kd*C] summed back into dx [N, D, H, W, C]. */
function scatterDepthTaps(backend: BackendWasm, dxf: TensorInfo, ci: backend_util.Conv3DInfo): TensorInfo {
  const { batchSize: n, inDepth: d, inHeight: h, inWidth: w, inChannels: c, outDepth: od, strideDepth: sd, filterDepth: kd } = ci;
  const front = ci.padInfo.front;
  const hw = h * w;
  const kc = kd * c;
  const out = backend.makeOutput([n, d, h, w, c], 'float32');
  const src = heapF32(backend, dxf);
  const dst = heapF32(backend, out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < od; o++) {
      const slab = (b * od + o) * hw * kc;
      for (let t = 0; t < kd; t++) {
        const z = o * sd + t - front;
        if (z < 0 || z >= d) continue;
        const base = slab + t * c;
        const to = (b * d + z) * hw * c;
        for (let p = 0; p < hw; p++) {
          const s = base + p * kc;
          const q = to + p * c;
          for (let k = 0; k < c; k++) dst[q + k] += src[s + k];
        }
      }
    }
  }
  return out;
}

/** f [kd, kh, kw, C, Co] -> [kh, kw, kd*C, Co]. */
function foldFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [kd, kh, kw, c, co] = filter.shape;
  const moved = transpose(backend, filter, [1, 2, 0, 3, 4]);
  const folded = alias(backend, moved, [kh, kw, kd * c, co]);
  release(backend, moved);
  return folded;
}

/**
 * A wasm-only kernel name: conv3d + bias + relu/linear in one XNNPACK FusedConv2D call on the folded
 * input, which saves two passes over the (largest) activations of a 3D net. Layer ops use it when
 * the active backend is wasm (volume-ops.ts); the other backends run Conv3D, add and the activation.
 */
export const FUSED_CONV3D = 'MedfedFusedConv3D';

interface FusedConv3DAttrs extends Conv3DAttrs {
  activation?: 'relu' | 'linear';
}

function conv3d(args: { inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo }; attrs: FusedConv3DAttrs; backend: BackendWasm }): TensorInfo {
  const { inputs, attrs, backend } = args;
  const ci = info(Conv3D, inputs.x.shape as Shape5, inputs.filter.shape as Shape5, attrs);
  const xf = gatherDepthTaps(backend, inputs.x, ci);
  const ff = foldFilter(backend, inputs.filter);
  const fused = inputs.bias !== undefined || (attrs.activation ?? 'linear') !== 'linear';
  const y = fused
    ? runKernel('FusedConv2D', { x: xf, filter: ff, ...(inputs.bias ? { bias: inputs.bias } : {}) }, {
        ...conv2dAttrs(ci),
        dilations: [1, 1],
        activation: attrs.activation ?? 'linear',
      }, backend)
    : runKernel('Conv2D', { x: xf, filter: ff }, { ...conv2dAttrs(ci), dilations: [1, 1] }, backend);
  release(backend, xf, ff);
  const out = alias(backend, y, [...ci.outShape]);
  release(backend, y);
  return out;
}

function conv3dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  attrs: Conv3DAttrs & { inputShape: Shape5 };
  backend: BackendWasm;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const ci = info(Conv3DBackpropInputV2, attrs.inputShape, inputs.filter.shape as Shape5, attrs);
  const { batchSize: n, outDepth: od, outHeight: oh, outWidth: ow, outChannels: co } = ci;
  const ff = foldFilter(backend, inputs.filter);
  const dy = alias(backend, inputs.dy, [n * od, oh, ow, co]);
  const inputShape = [n * od, ci.inHeight, ci.inWidth, ci.filterDepth * ci.inChannels];
  const dxf = runKernel('Conv2DBackpropInput', { dy, filter: ff }, { ...conv2dAttrs(ci), inputShape }, backend);
  release(backend, ff, dy);
  const dx = scatterDepthTaps(backend, dxf, ci);
  release(backend, dxf);
  return dx;
}

function conv3dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  attrs: Conv3DAttrs & { filterShape: Shape5 };
  backend: BackendWasm;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const ci = info(Conv3DBackpropFilterV2, inputs.x.shape as Shape5, attrs.filterShape, attrs);
  if (useFilterByRows(ci)) return conv3dFilterByRows(backend, inputs.x, inputs.dy, ci);
  const { batchSize: n, outDepth: od, outHeight: oh, outWidth: ow, outChannels: co } = ci;
  const [kd, kh, kw, c] = attrs.filterShape;
  const xf = gatherDepthTaps(backend, inputs.x, ci);
  const dy = alias(backend, inputs.dy, [n * od, oh, ow, co]);
  const dwf = runKernel('Conv2DBackpropFilter', { x: xf, dy }, { ...conv2dAttrs(ci), filterShape: [kh, kw, kd * c, co] }, backend);
  release(backend, xf, dy);
  const dw5 = alias(backend, dwf, [kh, kw, kd, c, co]);
  release(backend, dwf);
  const dw = transpose(backend, dw5, [2, 0, 1, 3, 4]);
  release(backend, dw5);
  return dw;
}

export const conv3dConfig: KernelConfig = { kernelName: Conv3D, backendName: 'wasm', kernelFunc: conv3d as unknown as KernelFunc };
export const fusedConv3dConfig: KernelConfig = { kernelName: FUSED_CONV3D, backendName: 'wasm', kernelFunc: conv3d as unknown as KernelFunc };
export const conv3dBackpropInputConfig: KernelConfig = {
  kernelName: Conv3DBackpropInputV2,
  backendName: 'wasm',
  kernelFunc: conv3dBackpropInput as unknown as KernelFunc,
};
export const conv3dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv3DBackpropFilterV2,
  backendName: 'wasm',
  kernelFunc: conv3dBackpropFilter as unknown as KernelFunc,
};
