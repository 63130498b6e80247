/**
 * Sums over the leading axes of a float32 tensor as one XNNPACK matrix product,
 * [1, rows] of `scale` times [rows, cols]. The stock wasm Sum/Mean first transpose the reduced
 * axes innermost, which costs ~0.3 ms even for a [64, 64] bias gradient. The product packs its
 * right operand, so above `MAX_MATMUL_ELEMENTS` (measured: [43264, 16] takes 7 ms this way
 * against 1.2 ms stock) the stock kernel is faster and is used.
 */
import { BatchMatMul, backend_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { alias, heapF32, release, stockKernel, type BackendWasm } from './wasm-backend.js';

export interface ReduceAttrs {
  axis: number | number[];
  keepDims: boolean;
}

export const MAX_MATMUL_ELEMENTS = 1 << 16;

/** The number of leading axes reduced, or 0 when the reduction is not over a leading block. */
export function leadingAxesReduced(x: TensorInfo, axis: number | number[]): number {
  const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  if (x.dtype !== 'float32' || axes.length === 0 || axes.length === x.shape.length) return 0;
  const size = util.sizeFromShape(x.shape);
  if (size === 0 || size > MAX_MATMUL_ELEMENTS) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/** sum over the first `lead` axes, times `scale`, shaped as Sum/Mean would shape it. */
export function reduceLeadingAxes(backend: BackendWasm, x: TensorInfo, lead: number, attrs: ReduceAttrs, scale: number): TensorInfo {
  const rows = util.sizeFromShape(x.shape.slice(0, lead));
  const keptShape = x.shape.slice(lead);
  const cols = util.sizeFromShape(keptShape);
  const weights = backend.makeOutput([1, 1, rows], 'float32');
  heapF32(backend, weights).fill(scale);
  const matrix = alias(backend, x, [1, rows, cols]);
  const matMul = stockKernel(BatchMatMul).kernelFunc as KernelFunc;
  const product = matMul({ inputs: { a: weights, b: matrix }, attrs: { transposeA: false, transposeB: false }, backend }) as TensorInfo;
  release(backend, weights, matrix);
  const axes = util.parseAxisParam(attrs.axis, x.shape);
  const outShape = attrs.keepDims ? backend_util.expandShapeToKeepDim(keptShape, axes) : keptShape;
  return { dataId: product.dataId, shape: outShape, dtype: 'float32' };
}
