/**
 * Registers medfed's added and replacement kernels for TF.js's wasm backend, once per process:
 * Conv2DBackpropFilter (missing), MaxPoolGrad (wrong for windows <= 0), and faster
 * Conv2DBackpropInput, BatchMatMul (transposed operands), Sum and Mean (outer axes), and a
 * copy-free Identity.
 * Safe to call before or after `tf.setBackend('wasm')`; replaced kernels keep their setupFunc.
 */
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { meanConfig } from './mean.js';
import { sumConfig } from './sum.js';
import { rememberStockKernel } from './wasm-backend.js';

/** Kernels medfed registers; factories run after the stock kernels they wrap are remembered. */
const medfedKernels: ReadonlyArray<() => KernelConfig> = [
  () => conv2dBackpropFilterConfig,
  () => conv2dBackpropInputConfig,
  () => maxPoolGradConfig,
  batchMatMulConfig,
  sumConfig,
  meanConfig,
  identityConfig,
];
const replacedKernelNames = ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', 'Sum', 'Mean', 'Identity'];

let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  for (const name of replacedKernelNames) rememberStockKernel(name);
  for (const make of medfedKernels) {
    const config = make();
    const stock = getKernel(config.kernelName, 'wasm');
    if (stock !== undefined) unregisterKernel(config.kernelName, 'wasm');
    registerKernel({ ...config, setupFunc: config.setupFunc ?? stock?.setupFunc });
  }
}
