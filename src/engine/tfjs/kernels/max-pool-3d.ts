/**
 * MaxPool3D and MaxPool3DGrad for wasm. The stock kernels start their running max at FLT_MIN
 * instead of -infinity, so a window whose values are all <= 0 gives a wrong max and loses its
 * gradient (design/engine.md). Here the max runs as two XNNPACK 2D max pools (or, for explicit
 * padding, a loop where every window starts at -infinity), padding is skipped, and the
 * gradient goes to the first maximum of the window in (depth, row, column) order, as PyTorch's
 * max_pool3d does (tfjs's cpu backend picks the last one on exact ties).
 */
import { backend_util, MaxPool3D, MaxPool3DGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { alias, heapF32, release, runKernel, type BackendWasm } from './wasm-backend.js';

interface Pool3DAttrs {
  filterSize: [number, number, number] | number;
  strides: [number, number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Shape5 = [number, number, number, number, number];

/**
 * For every output value (flat index o, channels innermost), the flat input index of the first
 * maximum of its window, or -1 for a window that lies entirely in the padding. The channel loop
 * is innermost so that every window element is read as one contiguous run of C values.
 */
function windowArgmax(x: Float32Array, info: backend_util.Conv3DInfo): Int32Array {
  const { batchSize, inDepth, inHeight, inWidth, inChannels: c, outDepth, outHeight, outWidth } = info;
  const { strideDepth, strideHeight, strideWidth, effectiveFilterDepth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const { front, top, left } = info.padInfo;
  const where = new Int32Array(batchSize * outDepth * outHeight * outWidth * c).fill(-1);
  const best = new Float32Array(c);
  let out = 0;
  for (let b = 0; b < batchSize; b++) {
    const volume = b * inDepth * inHeight * inWidth * c;
    for (let od = 0; od < outDepth; od++) {
      const d0 = od * strideDepth - front;
      const dMin = Math.max(0, d0);
      const dMax = Math.min(inDepth, d0 + effectiveFilterDepth);
      for (let oh = 0; oh < outHeight; oh++) {
        const h0 = oh * strideHeight - top;
        const hMin = Math.max(0, h0);
        const hMax = Math.min(inHeight, h0 + effectiveFilterHeight);
        for (let ow = 0; ow < outWidth; ow++, out += c) {
          const w0 = ow * strideWidth - left;
          const wMin = Math.max(0, w0);
          const wMax = Math.min(inWidth, w0 + effectiveFilterWidth);
          best.fill(-Infinity);
          for (let z = dMin; z < dMax; z++) {
            for (let r = hMin; r < hMax; r++) {
              for (let q = wMin; q < wMax; q++) {
                const i = volume + ((z * inHeight + r) * inWidth + q) * c;
                for (let ch = 0; ch < c; ch++) {
                  const v = x[i + ch];
                  // Strictly greater keeps the first maximum; the first element always enters.
                  if (v > best[ch] || where[out + ch] < 0) {
                    best[ch] = v;
                    where[out + ch] = i + ch;
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return where;
}

function poolInfo(shape: readonly number[], attrs: Pool3DAttrs): backend_util.Conv3DInfo {
  return backend_util.computePool3DInfo(shape as Shape5, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

/**
 * The pooled values via two XNNPACK 2D max pools (a max over a box is a max of maxes): height and
 * width on [N*D, H, W, C], then depth on [N, D, OH*OW, C] with a [kd, 1] window. The stock wasm
 * MaxPool (2D) starts at -infinity and skips padding; 'same' splits padding per axis exactly as the
 * 3D rule does. Explicit numeric padding is left to the loop below.
 */
function separableMax(backend: BackendWasm, x: TensorInfo, info: backend_util.Conv3DInfo, attrs: Pool3DAttrs): TensorInfo | null {
  if (attrs.pad !== 'valid' && attrs.pad !== 'same') return null;
  const [n, d, h, w, c] = x.shape;
  const planes = alias(backend, x, [n * d, h, w, c]);
  const hw = runKernel('MaxPool', { x: planes }, {
    filterSize: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    pad: attrs.pad,
    dimRoundingMode: attrs.dimRoundingMode,
  }, backend);
  release(backend, planes);
  const columns = alias(backend, hw, [n, d, info.outHeight * info.outWidth, c]);
  release(backend, hw);
  const y = runKernel('MaxPool', { x: columns }, {
    filterSize: [info.filterDepth, 1],
    strides: [info.strideDepth, 1],
    pad: attrs.pad,
    dimRoundingMode: attrs.dimRoundingMode,
  }, backend);
  release(backend, columns);
  const out = alias(backend, y, [...info.outShape]);
  release(backend, y);
  return out;
}

function maxPool3d(args: { inputs: { x: TensorInfo }; attrs: Pool3DAttrs; backend: BackendWasm }): TensorInfo {
  const { inputs, attrs, backend } = args;
  const info = poolInfo(inputs.x.shape, attrs);
  const fast = separableMax(backend, inputs.x, info, attrs);
  if (fast) return fast;
  const out = backend.makeOutput([...info.outShape], 'float32');
  const where = windowArgmax(heapF32(backend, inputs.x), info);
  const x = heapF32(backend, inputs.x);
  const y = heapF32(backend, out);
  for (let o = 0; o < where.length; o++) y[o] = where[o] < 0 ? -Infinity : x[where[o]];
  return out;
}

/**
 * Non-overlapping windows (stride >= window on every axis, no padding: the usual pool-by-2), in one
 * pass: each window's first maximum (in (depth, row, column) order) is found from x and receives
 * dy; windows do not overlap, so no accumulation is needed and dx is written once (after a zero
 * fill for the inputs no window covers). The window's element offsets are precomputed, so the
 * inner loop is a compare over kd*kh*kw values of one channel.
 */
function gradDisjoint(x: Float32Array, g: Float32Array, dx: Float32Array, info: backend_util.Conv3DInfo): void {
  const { batchSize, inDepth, inHeight, inWidth, inChannels: c, outDepth, outHeight, outWidth } = info;
  const { strideDepth, strideHeight, strideWidth, filterDepth, filterHeight, filterWidth } = info;
  const offsets = new Int32Array(filterDepth * filterHeight * filterWidth);
  let k = 0;
  for (let z = 0; z < filterDepth; z++) {
    for (let r = 0; r < filterHeight; r++) {
      for (let q = 0; q < filterWidth; q++) offsets[k++] = ((z * inHeight + r) * inWidth + q) * c;
    }
  }
  const taps = offsets.length;
  const rowStep = strideHeight * inWidth * c;
  const colStep = strideWidth * c;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let od = 0; od < outDepth; od++) {
      for (let oh = 0; oh < outHeight; oh++) {
        let base = ((b * inDepth + od * strideDepth) * inHeight * inWidth) * c + oh * rowStep;
        for (let ow = 0; ow < outWidth; ow++, base += colStep) {
          for (let ch = 0; ch < c; ch++, o++) {
            let at = base + ch;
            let best = x[at];
            for (let t = 1; t < taps; t++) {
              const i = base + offsets[t] + ch;
              const v = x[i];
              // Strictly greater keeps the first maximum.
              if (v > best) {
                best = v;
                at = i;
              }
            }
            dx[at] = g[o];
          }
        }
      }
    }
  }
}

function maxPool3dGrad(args: { inputs: { dy: TensorInfo; input: TensorInfo }; attrs: Pool3DAttrs; backend: BackendWasm }): TensorInfo {
  const { inputs, attrs, backend } = args;
  const info = poolInfo(inputs.input.shape, attrs);
  const disjoint =
    attrs.pad === 'valid' &&
    info.strideDepth >= info.filterDepth &&
    info.strideHeight >= info.filterHeight &&
    info.strideWidth >= info.filterWidth;
  const out = backend.makeOutput([...inputs.input.shape], 'float32');
  const g = heapF32(backend, inputs.dy);
  const dx = heapF32(backend, out);
  dx.fill(0);
  if (disjoint) {
    gradDisjoint(heapF32(backend, inputs.input), g, dx, info);
    return out;
  }
  const where = windowArgmax(heapF32(backend, inputs.input), info);
  for (let o = 0; o < where.length; o++) if (where[o] >= 0) dx[where[o]] += g[o];
  return out;
}

export const maxPool3dConfig: KernelConfig = { kernelName: MaxPool3D, backendName: 'wasm', kernelFunc: maxPool3d as unknown as KernelFunc };
export const maxPool3dGradConfig: KernelConfig = {
  kernelName: MaxPool3DGrad,
  backendName: 'wasm',
  kernelFunc: maxPool3dGrad as unknown as KernelFunc,
};
