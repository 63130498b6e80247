/**
 * BatchMatMul for wasm: the stock kernel's transposed paths are plain loops, 6-12x slower than
 * a transpose followed by the XNNPACK path, so transposed operands are transposed first.
 */
import { BatchMatMul, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { release, stockKernel, transpose, type BackendWasm } from './wasm-backend.js';

interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

function swapLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose(backend, x, perm);
}

function batchMatMul(args: { inputs: { a: TensorInfo; b: TensorInfo }; attrs: BatchMatMulAttrs; backend: BackendWasm }): TensorInfo {
  const { inputs, attrs, backend } = args;
  const stock = stockKernel(BatchMatMul).kernelFunc;
  if ((!attrs.transposeA && !attrs.transposeB) || inputs.a.dtype !== 'float32' || inputs.b.dtype !== 'float32') {
    return stock(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  const a = attrs.transposeA ? swapLastTwo(backend, inputs.a) : inputs.a;
  const b = attrs.transposeB ? swapLastTwo(backend, inputs.b) : inputs.b;
  const out = stock({ inputs: { a, b }, attrs: { transposeA: false, transposeB: false }, backend }) as TensorInfo;
  if (a !== inputs.a) release(backend, a);
  if (b !== inputs.b) release(backend, b);
  return out;
}

export const batchMatMulConfig = (): KernelConfig => ({
  kernelName: BatchMatMul,
  backendName: 'wasm',
  setupFunc: stockKernel(BatchMatMul).setupFunc,
  kernelFunc: batchMatMul as unknown as KernelFunc,
});
