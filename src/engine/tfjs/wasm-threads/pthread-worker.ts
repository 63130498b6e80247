/**
 * Entry point of the Node worker_threads that run the pthreads of tfjs-backend-wasm's
 * threaded-SIMD build (Node only; see threaded-backend.ts, which hands this file's path to
 * Emscripten as its "worker.js").
 *
 * tfjs ships the Emscripten pthread worker only as a string (`wasmWorkerContents`), which it turns
 * into a blob: URL that Node's Worker cannot load (ERR_WORKER_PATH). This file runs that same
 * string in the worker. The string expects CommonJS `require` and `__filename` in scope, so it runs
 * as a function of those two; tfjs escapes its newlines before running it (the string holds "\n"
 * escapes that a template literal turned into real newlines inside string literals), and so does
 * this file.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
  wasmWorkerContents: string;
};
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the worker code tfjs ships, run as Emscripten expects
const run = new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n')) as (r: NodeJS.Require, file: string) => void;
run(require, fileURLToPath(import.meta.url));
