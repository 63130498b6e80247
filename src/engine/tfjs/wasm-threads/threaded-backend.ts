/**
 * tfjs-backend-wasm's multi-threaded SIMD build, started in Node (Node only: loaded through a
 * dynamic import from backend.ts, so browser builds never load it).
 *
 * Why the stock package cannot: in Node, tfjs 4.22 disables threads (flag
 * WASM_HAS_MULTITHREAD_SUPPORT is false under IS_NODE, tfjs issue #3830), and forcing the flag
 * fails in Emscripten's pthread pool: tfjs's `locateFile` returns a blob: URL for the pthread
 * worker and Node's `new Worker(path)` rejects it (ERR_WORKER_PATH: "must be an absolute path or a
 * relative path starting with './'"). Even when started, the C++ side caps the pool at
 * `emscripten_num_logical_cores() / 2` (it assumes two hyper-threads per core), so on a 2-vCPU
 * machine it would still run one thread.
 *
 * What this does instead, through Emscripten's documented Module hooks only (no tfjs file is
 * changed, nothing global is patched):
 *  - loads the threaded-SIMD factory from `wasm-out/` with `require`, so its pthread workers
 *    re-load the same file by path (`_scriptDir`);
 *  - `locateFile` gives the `.wasm` file's path and, for the pthread worker, pthread-worker.ts;
 *  - `instantiateWasm` instantiates the module itself, with the import `emscripten_num_logical_cores`
 *    answering 2 x the requested count, so the cap becomes exactly that count;
 *  - registers the result under the backend name 'wasm' (kernels are registered per name, so all
 *    of medfed's and tfjs's wasm kernels apply unchanged) and wraps it in tfjs's own BackendWasm.
 * Emscripten pre-starts 8 pool workers (PTHREAD_POOL_SIZE of tfjs's build, about 0.5 s); the
 * XNNPACK thread pool then uses `threads - 1` of them next to the calling thread. All of them are
 * unref'd, so they do not keep the process alive.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { ErrorCodes, MedfedError } from '../../../core/errors.js';

const require = createRequire(import.meta.url);
const WASM_OUT = '@tensorflow/tfjs-backend-wasm/wasm-out/';
/** tfjs-backend-wasm registers 'wasm' with priority 2; keep it. */
const WASM_PRIORITY = 2;

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}
type Factory = (config: object) => Promise<EmscriptenModule>;
interface Imports {
  env: Record<string, unknown>;
}
/** The part of the WebAssembly JS API used here (the project's TypeScript lib has no WebAssembly types). */
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: Imports): Promise<{ instance: unknown; module: unknown }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The tfjs bridge object BackendWasm expects on the module (what tfjs's own init() adds). */
function addBridge(module: EmscriptenModule): void {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
}

async function startThreaded(threads: number): Promise<BackendWasm> {
  const factory = require(`${WASM_OUT}tfjs-backend-wasm-threaded-simd.js`) as Factory;
  const wasmFile = require.resolve(`${WASM_OUT}tfjs-backend-wasm-threaded-simd.wasm`);
  const workerFile = fileURLToPath(new URL('./pthread-worker.js', import.meta.url));
  let fail: (e: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const started = factory({
    locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') ? workerFile : path.endsWith('.wasm') ? wasmFile : prefix + path),
    instantiateWasm: (imports: Imports, receive: (instance: unknown, module: unknown) => void) => {
      // backend.cc caps its pool at emscripten_num_logical_cores() / 2.
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      wasmApi.instantiate(readFileSync(wasmFile), imports).then((r) => receive(r.instance, r.module), fail);
      return {};
    },
  });
  const module = await Promise.race([started, failed]);
  addBridge(module);
  setThreadsCount(threads);
  const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  // XNNPACK's pool threads live as long as the process and Emscripten ref()s a worker while it runs
  // a thread: unref them, or the process would never exit on its own.
  for (const worker of module.PThread.runningWorkers) worker.unref();
  return backend;
}

/**
 * Makes the next start of TF.js's 'wasm' backend in this thread load the threaded-SIMD build with
 * `threads` threads (>= 2). Returns false, changing nothing, when the backend already runs in this
 * thread (started by a direct tf.setBackend('wasm')): a running backend cannot be swapped safely.
 */
export function useThreadedWasm(threads: number): boolean {
  if (!Number.isInteger(threads) || threads < 2) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `threaded wasm needs an integer thread count >= 2, got ${threads}`, {
      where: 'src/engine/tfjs/wasm-threads/threaded-backend.ts',
      hint: 'set MEDFED_WASM_THREADS to 2 or more, or to 1 for the single-threaded SIMD build',
    });
  }
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  if (engine.registry.wasm !== undefined) return false;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => startThreaded(threads), WASM_PRIORITY);
  return true;
}
