/**
 * Helpers shared by medfed's wasm kernels: run another wasm kernel on TensorInfos (no engine
 * bookkeeping, no tape), view a tensor's memory on the wasm heap, free intermediates.
 * Every intermediate a kernel makes is freed with `release`; aliases (reshapes) are made with
 * `alias`, which takes a reference, so they are released the same way.
 */
import { getKernel, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { MedfedError, ErrorCodes } from '../../../core/errors.js';

export type { BackendWasm };

/** The stock wasm kernels that medfed replaces, remembered before they are unregistered. */
const stockKernels = new Map<string, KernelConfig>();

export function rememberStockKernel(kernelName: string): KernelConfig | undefined {
  const existing = stockKernels.get(kernelName);
  if (existing !== undefined) return existing;
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel !== undefined) stockKernels.set(kernelName, kernel);
  return kernel;
}

/** The stock kernel saved by `rememberStockKernel`; throws if there was none. */
export function stockKernel(kernelName: string): KernelConfig {
  const kernel = stockKernels.get(kernelName);
  if (kernel === undefined) {
    throw new MedfedError(ErrorCodes.INTERNAL, `the stock wasm kernel '${kernelName}' was not saved before it was replaced`, {
      where: 'src/engine/tfjs/kernels/wasm-backend.ts',
      hint: 'call registerWasmKernels() after importing @tensorflow/tfjs-backend-wasm',
    });
  }
  return kernel;
}

/** Runs the kernel now registered for wasm under `kernelName` directly on TensorInfos. */
export function runKernel(kernelName: string, inputs: NamedTensorInfoMap, attrs: object, backend: BackendWasm): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel === undefined) {
    throw new MedfedError(ErrorCodes.ENGINE_FAILURE, `kernel '${kernelName}' is not registered for the wasm backend`, {
      where: 'src/engine/tfjs/kernels/wasm-backend.ts',
    });
  }
  return kernel.kernelFunc({ inputs, attrs: attrs as unknown as NamedAttrMap, backend }) as TensorInfo;
}

/** A view of `x`'s float32 data on the wasm heap (valid until the next allocation). */
export function heapF32(backend: BackendWasm, x: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(x) as Float32Array;
}

/** The same data under a new shape; takes a reference, so `release` it like any intermediate. */
export function alias(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Transposes `x` by `perm`; a permutation that keeps memory order becomes an alias. */
export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  const shape = perm.map((axis) => x.shape[axis]);
  const moved = perm.filter((axis) => x.shape[axis] !== 1);
  if (moved.every((axis, i) => i === 0 || moved[i - 1] < axis)) return alias(backend, x, shape);
  return runKernel('Transpose', { x }, { perm }, backend);
}

/** Rows [begin, begin+size) of each axis; an identity slice becomes an alias. */
export function slice(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  if (begin.every((b, i) => b === 0 && size[i] === x.shape[i])) return alias(backend, x, [...x.shape]);
  return runKernel('Slice', { x }, { begin, size }, backend);
}
