import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { registerWasmKernels } from './kernels/register.js';

let requestedWasmThreads: number | undefined;

/**
 * Threads for the wasm backend of threads that have not started it yet (1 = tfjs's single-threaded
 * SIMD build; more = its threaded-SIMD build through wasm-threads/threaded-backend.ts, Node only).
 * Overrides MEDFED_WASM_THREADS.
 */
export function setWasmThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the wasm thread count must be a positive integer, got ${threads}`, {
      where: 'src/engine/tfjs/backend.ts',
      hint: 'use 1 for the single-threaded SIMD build, or the number of cores to use',
    });
  }
  requestedWasmThreads = threads;
}

/**
 * setWasmThreads's count, else MEDFED_WASM_THREADS, else 1. One thread is the default because on
 * the shared 2-core machine the threaded build was slower (engine tests 29 s vs 11 s, the 3D CNN
 * bench slower in each of 4 runs): each parallel XNNPACK op waits for a worker that other processes
 * have descheduled. Threads are for machines with idle cores (docs/model-spec.md).
 */
function wasmThreadCount(): number {
  if (requestedWasmThreads !== undefined) return requestedWasmThreads;
  const env = typeof process !== 'undefined' ? process.env?.MEDFED_WASM_THREADS : undefined;
  if (env !== undefined && env !== '') {
    const threads = Number(env);
    if (!Number.isInteger(threads) || threads < 1) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `MEDFED_WASM_THREADS must be a positive integer, got "${env}"`, {
        where: 'src/engine/tfjs/backend.ts',
        hint: 'unset it or set 1 for the single-threaded SIMD build, or the number of cores to use',
      });
    }
    return threads;
  }
  return 1;
}

/** The TF.js backends medfed trains on: 'wasm' (SIMD, the default; threads: see setWasmThreads) and 'cpu' (pure JS reference). */
export type TfjsBackendName = 'wasm' | 'cpu';

const initialised = new Set<TfjsBackendName>();
/** One start per backend, shared by concurrent callers (two sites starting at once in one thread). */
const starting = new Map<TfjsBackendName, Promise<void>>();

async function initialise(name: TfjsBackendName): Promise<void> {
  if (name === 'wasm') {
    // tfjs's own loader is single-threaded in Node; more threads go through the threaded-SIMD shim.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
    const threads = wasmThreadCount();
    // Node only (the loader uses node: modules); browsers keep tfjs's own loader.
    if (threads > 1 && typeof process !== 'undefined' && process.versions?.node !== undefined) {
      (await import('./wasm-threads/threaded-backend.js')).useThreadedWasm(threads);
    }
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new MedfedError(ErrorCodes.ENGINE_FAILURE, `TF.js backend "${name}" failed to start: ${String(e)}`, {
      where: 'src/engine/tfjs/backend.ts',
      hint: 'use the "tfjs-cpu" engine, or check that @tensorflow/tfjs-backend-wasm and its .wasm files are installed (with MEDFED_WASM_THREADS > 1: unset it to use the single-threaded build)',
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
