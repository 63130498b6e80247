/** Mean for wasm: small outer-axis float32 means run as one matrix product; others run the stock kernel. */
import { Mean, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { leadingAxesReduced, reduceLeadingAxes, type ReduceAttrs } from './outer-axis-reduce.js';
import { stockKernel, type BackendWasm } from './wasm-backend.js';

function mean(args: { inputs: { x: TensorInfo }; attrs: ReduceAttrs; backend: BackendWasm }): TensorInfo {
  const { inputs, attrs, backend } = args;
  const lead = leadingAxesReduced(inputs.x, attrs.axis);
  if (lead === 0) return stockKernel(Mean).kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  return reduceLeadingAxes(backend, inputs.x, lead, attrs, 1 / util.sizeFromShape(inputs.x.shape.slice(0, lead)));
}

export const meanConfig = (): KernelConfig => ({
  kernelName: Mean,
  backendName: 'wasm',
  setupFunc: stockKernel(Mean).setupFunc,
  kernelFunc: mean as unknown as KernelFunc,
});
