/**
 * Conv3D filter gradient as one XNNPACK conv2d whose filter is dy exactly as it lies in memory,
 * [N*OD, OH, OW, Co] read as [height, width, in, out]: no transpose of the (largest) output gradient.
 *   dW[t, y, u, c, o] = sum_{b=(n,od), oh, ow} x[n, od*sd + t - front, oh*sh + y - top, ow*sw + u - left, c] dy[b, oh, ow, o]
 * The input is built by one JS pass, with the column taps u and depth taps t in its batch axis:
 *   I[(u, t, c), b, r, ow] = x[n, od*sd + t - front, r, ow*sw + u - left, c]   (0 outside x)
 * so that I's height axis is b (the filter's whole height), its width axis the input row r and its
 * channels ow. Then conv2d(I, dy) with width dilation sh and the rows padded by `top` gives
 *   out[(u, t, c), 0, y, o] = sum_{b, oh, ow} I[(u, t, c), b, y + oh*sh - top, ow] dy[b, oh, ow, o] = dW[t, y, u, c, o].
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2dExplicit } from './conv-info.js';
import { heapF32, release, type BackendWasm } from './wasm-backend.js';

/**
 * Input channels up to which this path is used: measured faster than the depth-folded conv2d
 * filter gradient (conv2d-backprop-filter.ts) for 1 to 8 channels and level with it at 32 and 64,
 * where its input (kw times the folded input) costs more memory (docs/model-spec.md).
 */
export const FILTER_BY_ROWS_MAX_CHANNELS = 16;

export function useFilterByRows(ci: backend_util.Conv3DInfo): boolean {
  return ci.inChannels <= FILTER_BY_ROWS_MAX_CHANNELS;
}

/** I [(kw, kd, C), N*OD, H, OW] from x [N, D, H, W, C] (see the file comment). */
function columnTaps(backend: BackendWasm, x: TensorInfo, ci: backend_util.Conv3DInfo): TensorInfo {
  const { batchSize: n, inDepth: d, inHeight: h, inWidth: w, inChannels: c, outDepth: od, outWidth: ow } = ci;
  const { strideDepth: sd, strideWidth: sw, filterDepth: kd, filterWidth: kw } = ci;
  const { front, left } = ci.padInfo;
  const slabs = n * od;
  const out = backend.makeOutput([kw * kd * c, slabs, h, ow], 'float32');
  const src = heapF32(backend, x);
  const dst = heapF32(backend, out);
  const plane = slabs * h * ow;
  for (let u = 0; u < kw; u++) {
    // Output columns whose input column ow*sw + u - left lies in [0, w).
    const lo = Math.max(0, Math.ceil((left - u) / sw));
    const hi = Math.max(lo, Math.min(ow, Math.floor((w - 1 + left - u) / sw) + 1));
    const step = sw * c;
    for (let t = 0; t < kd; t++) {
      for (let ch = 0; ch < c; ch++) {
        let at = ((u * kd + t) * c + ch) * plane;
        for (let b = 0; b < n; b++) {
          for (let o = 0; o < od; o++) {
            const z = o * sd + t - front;
            if (z < 0 || z >= d) {
              dst.fill(0, at, at + h * ow);
              at += h * ow;
              continue;
            }
            for (let r = 0; r < h; r++, at += ow) {
              if (lo > 0) dst.fill(0, at, at + lo);
              if (hi < ow) dst.fill(0, at + hi, at + ow);
              const from = (((b * d + z) * h + r) * w - left + u) * c + ch;
              if (step === 1) dst.set(src.subarray(from + lo, from + hi), at + lo);
              else for (let j = lo, s = from + lo * step; j < hi; j++, s += step) dst[at + j] = src[s];
            }
          }
        }
      }
    }
  }
  return out;
}

/** dW [kd, kh, kw, C, Co] of a conv3d with input x [N, D, H, W, C] and output gradient dy [N, OD, OH, OW, Co]. */
export function conv3dFilterByRows(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, ci: backend_util.Conv3DInfo): TensorInfo {
  const { batchSize: n, inHeight: h, inChannels: c, outDepth: od, outHeight: oh, outWidth: ow, outChannels: co } = ci;
  const { strideHeight: sh, filterDepth: kd, filterHeight: kh, filterWidth: kw } = ci;
  const top = ci.padInfo.top;
  // Pad the input rows so that the kh output columns exist: (kh-1) + (OH-1)*sh + 1 padded rows.
  const right = Math.max(0, kh - 1 + (oh - 1) * sh + 1 - h - top);
  const taps = columnTaps(backend, x, ci);
  const filter = { dataId: dy.dataId, shape: [n * od, oh, ow, co], dtype: dy.dtype };
  const full = conv2dExplicit(backend, taps, filter, { strides: [1, 1], dilations: [1, sh], pads: [0, 0, top, right] });
  release(backend, taps);
  // full [(u, t, c), 1, >= kh, Co] -> dW [t, y, u, c, o].
  const cols = full.shape[2];
  const src = heapF32(backend, full);
  const dw = backend.makeOutput([kd, kh, kw, c, co], 'float32');
  const dst = heapF32(backend, dw);
  for (let u = 0; u < kw; u++)
    for (let t = 0; t < kd; t++)
      for (let ch = 0; ch < c; ch++)
        for (let y = 0; y < kh; y++) {
          const from = ((((u * kd + t) * c + ch) * cols) + y) * co;
          dst.set(src.subarray(from, from + co), (((t * kh + y) * kw + u) * c + ch) * co);
        }
  release(backend, full);
  return dw;
}
