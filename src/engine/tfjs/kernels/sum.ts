/** Sum for wasm: small outer-axis float32 sums run as one matrix product; others run the stock kernel. */
import { Sum, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { leadingAxesReduced, reduceLeadingAxes, type ReduceAttrs } from './outer-axis-reduce.js';
import { stockKernel, type BackendWasm } from './wasm-backend.js';

function sum(args: { inputs: { x: TensorInfo }; attrs: ReduceAttrs; backend: BackendWasm }): TensorInfo {
  const { inputs, attrs, backend } = args;
  const lead = leadingAxesReduced(inputs.x, attrs.axis);
  if (lead === 0) return stockKernel(Sum).kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  return reduceLeadingAxes(backend, inputs.x, lead, attrs, 1);
}

export const sumConfig = (): KernelConfig => ({
  kernelName: Sum,
  backendName: 'wasm',
  setupFunc: stockKernel(Sum).setupFunc,
  kernelFunc: sum as unknown as KernelFunc,
});
