import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('../fixtures/threaded-wasm-child.js', import.meta.url));

/** Runs the child with MEDFED_WASM_THREADS=threads; it must exit by itself (pool workers unref'd). */
function spawnChild(threads: string) {
  return spawnSync(process.execPath, [child], { env: { ...process.env, MEDFED_WASM_THREADS: threads }, encoding: 'utf8', timeout: 180_000 });
}

function run(threads: number): { threads: number; weights: string } {
  const r = spawnChild(String(threads));
  assert.equal(r.signal, null, `the ${threads}-thread child did not exit by itself (killed by ${r.signal}); stderr: ${r.stderr}`);
  assert.equal(r.status, 0, `the ${threads}-thread child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { threads: number; weights: string };
}

test('threaded wasm starts in Node with 2 threads, its kernels match the cpu backend, and it trains bit-identically to 1 thread', () => {
  const two = run(2);
  assert.equal(two.threads, 2, 'XNNPACK thread pool size reported by tfjs-backend-wasm');
  const one = run(1);
  assert.equal(one.threads, 1);
  assert.equal(two.weights, one.weights, 'final weights hash, 2 threads vs 1');
});

test('a MEDFED_WASM_THREADS that is not a positive integer stops the wasm engine with CONFIG_INVALID', () => {
  const r = spawnChild('two');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /MEDFED_WASM_THREADS must be a positive integer, got "two"/);
  assert.match(r.stderr, /MEDFED_ERR_CONFIG_INVALID/);
});
