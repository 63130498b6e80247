/**
 * Registers medfed's added and replacement kernels for TF.js's wasm backend, once per process:
 * Conv2DBackpropFilter (missing), MaxPoolGrad (wrong for windows <= 0), Conv3DBackpropInputV2
 * and Conv3DBackpropFilterV2 (wrong), MaxPool3D and MaxPool3DGrad (wrong for windows <= 0), a
 * Conv3D folded onto XNNPACK conv2d (the stock one is a plain loop), and faster
 * Conv2DBackpropInput, BatchMatMul (transposed operands), Sum and Mean (outer axes), Unpack and
 * SplitV that copy only the selected values (the stock ones copy the whole input per part), and a
 * copy-free Identity.
 * Safe to call before or after `tf.setBackend('wasm')`; replaced kernels keep their setupFunc.
 */
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { conv3dBackpropFilterConfig, conv3dBackpropInputConfig, conv3dConfig, fusedConv3dConfig } from './conv3d.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { maxPool3dConfig, maxPool3dGradConfig } from './max-pool-3d.js';
import { meanConfig } from './mean.js';
import { splitVConfig, unpackConfig } from './slice.js';
import { sumConfig } from './sum.js';
import { rememberStockKernel } from './wasm-backend.js';

/** Kernels medfed registers; factories run after the stock kernels they wrap are remembered. */
const medfedKernels: ReadonlyArray<() => KernelConfig> = [
  () => conv2dBackpropFilterConfig,
  () => conv2dBackpropInputConfig,
  () => maxPoolGradConfig,
  () => conv3dConfig,
  () => fusedConv3dConfig,
  () => conv3dBackpropInputConfig,
  () => conv3dBackpropFilterConfig,
  () => maxPool3dConfig,
  () => maxPool3dGradConfig,
  batchMatMulConfig,
  sumConfig,
  meanConfig,
  identityConfig,
  unpackConfig,
  splitVConfig,
];
const replacedKernelNames = ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', 'Sum', 'Mean', 'Identity', 'Unpack', 'SplitV'];

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
