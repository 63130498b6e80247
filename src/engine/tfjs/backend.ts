import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { registerWasmKernels } from './kernels/register.js';

/** The TF.js backends medfed trains on: 'wasm' (SIMD, single thread, the default) and 'cpu' (pure JS reference). */
export type TfjsBackendName = 'wasm' | 'cpu';

const initialised = new Set<TfjsBackendName>();
/** One start per backend, shared by concurrent callers (two sites starting at once in one thread). */
const starting = new Map<TfjsBackendName, Promise<void>>();

async function initialise(name: TfjsBackendName): Promise<void> {
  if (name === 'wasm') {
    // Single-threaded SIMD: multi-threaded wasm did not help on 2 cores (design/engine.md).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new MedfedError(ErrorCodes.ENGINE_FAILURE, `TF.js backend "${name}" failed to start: ${String(e)}`, {
      where: 'src/engine/tfjs/backend.ts',
      hint: 'use the "tfjs-cpu" engine, or check that @tensorflow/tfjs-backend-wasm and its .wasm files are installed',
      cause: e,
    });
  }
  if (!ok) {
    throw new MedfedError(ErrorCodes.ENGINE_FAILURE, `TF.js backend "${name}" is not available in this runtime`, {
      where: 'src/engine/tfjs/backend.ts',
      hint: 'use the "tfjs-cpu" engine',
    });
  }
  if (name === 'wasm') registerWasmKernels();
  // The cpu backend prints a banner recommending tfjs-node (not installable here) on first use.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
  initialised.add(name);
}

/**
 * Make `name` the active TF.js backend of this thread, starting it the first time (once per
 * thread: a Node worker has its own TF.js engine). Models call this before running ops so that
 * models on different backends can share a thread.
 */
export async function useBackend(name: TfjsBackendName): Promise<void> {
  if (!initialised.has(name)) {
    let p = starting.get(name);
    if (!p) {
      p = initialise(name).finally(() => starting.delete(name));
      starting.set(name, p);
    }
    await p;
  }
  if (tf.getBackend() !== name) await tf.setBackend(name);
}

/** The backend object of an initialised backend (for zero-copy views of tensor memory). */
export function backendOf(name: TfjsBackendName): tf.KernelBackend {
  return tf.findBackend(name) as tf.KernelBackend;
}
