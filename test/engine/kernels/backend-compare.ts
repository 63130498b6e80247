/**
 * Runs the same TF.js computation on the 'cpu' (reference) and 'wasm' backends and compares.
 * `onBackend` switches backends; `valuesOn` runs a function returning tensors in a tidy and
 * reads their values; `assertClose` checks a normwise relative error.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../../../src/engine/tfjs/kernels/register.js';

export type BackendName = 'cpu' | 'wasm';

/** Registers medfed's wasm kernels, then runs `fn` with `name` as the active backend. */
export async function onBackend<T>(name: BackendName, fn: () => T): Promise<T> {
  registerWasmKernels();
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    assert.ok(ok, `could not initialise the TF.js '${name}' backend`);
  }
  return fn();
}

/** Values of the tensors `fn` returns, computed on `name`; every tensor made is disposed. */
export async function valuesOn(name: BackendName, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  return onBackend(name, () => {
    const tensors = tf.tidy(fn);
    const list = Array.isArray(tensors) ? tensors : [tensors];
    const values = list.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(list);
    return values;
  });
}

/** Runs `fn` on cpu and on wasm and asserts every output agrees within `rtol`. */
export async function assertSameOnBackends(fn: () => tf.Tensor | tf.Tensor[], rtol: number, label: string): Promise<void> {
  const expected = await valuesOn('cpu', fn);
  const actual = await valuesOn('wasm', fn);
  assert.equal(actual.length, expected.length, `${label}: number of outputs`);
  expected.forEach((e, i) => assertClose(actual[i], e, rtol, `${label} [output ${i}]`));
}

/** max|a - b| / max|b| <= rtol (against an all-zero `expected`, max|a| <= rtol); NaN fails. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length ${actual.length} vs ${expected.length}`);
  let maxDiff = 0;
  let scale = 0;
  let worst = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= maxDiff)) {
      maxDiff = diff;
      worst = i;
    }
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  const relative = scale === 0 ? maxDiff : maxDiff / scale;
  assert.ok(
    relative <= rtol,
    `${label}: relative error ${relative.toExponential(2)} > ${rtol} (at ${worst}: ${actual[worst]} vs ${expected[worst]})`,
  );
}

/** A deterministic pseudo-random array in [lo, hi) (xorshift32), identical on every backend. */
export function randomValues(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

/** One engine's training outcome: the result's step count and loss, and the trained weights. */
export interface TrainedOutcome {
  readonly r: { readonly steps: number; readonly loss: number };
  readonly w: ReadonlyMap<string, { readonly data: ArrayLike<number> }>;
}

/** Same steps, loss within rtol and every weight within rtol of the reference engine's. */
export function assertSameTraining(actual: TrainedOutcome, reference: TrainedOutcome, rtol: number, lossLabel = 'loss'): void {
  assert.equal(actual.r.steps, reference.r.steps);
  assertClose([actual.r.loss], [reference.r.loss], rtol, lossLabel);
  for (const [name, t] of reference.w) {
    const a = actual.w.get(name);
    assert.ok(a, `weight ${name} missing`);
    assertClose(a.data, t.data, rtol, name);
  }
}
