/**
 * Identity for wasm without a copy: tensors are immutable, so the output shares the input's
 * memory and takes a reference (as tfjs's cpu backend does). The stock kernel copies the data,
 * and gradients and tf.clone call it on every activation.
 */
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { alias, stockKernel, type BackendWasm } from './wasm-backend.js';

function identity(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  if (inputs.x.dtype === 'string') return stockKernel(Identity).kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  return alias(backend, inputs.x, [...inputs.x.shape]);
}

export const identityConfig = (): KernelConfig => ({
  kernelName: Identity,
  backendName: 'wasm',
  setupFunc: stockKernel(Identity).setupFunc,
  kernelFunc: identity as unknown as KernelFunc,
});
