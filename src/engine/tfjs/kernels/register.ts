/**
 * Registers medfed's replacement and added kernels for TF.js's wasm backend, once.
 * (Filled in by the kernel work: Conv2DBackpropFilter, MaxPoolGrad, ...)
 */
let registered = false;
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
}
