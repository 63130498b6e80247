import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { MedfedError } from '../../../src/core/errors.js';
import type { Tensor, Weights } from '../../../src/core/tensors.js';

/** Uniform floats in [-lo, lo] from Node's CSPRNG (independent of the code under test). */
export function randomVector(length: number, lo: number): Float32Array {
  const words = new Uint32Array(randomBytes(4 * length).buffer);
  return Float32Array.from(words, (w) => (w / 2 ** 32) * 2 * lo - lo);
}

/** A small two-layer update: "0.weight" [rows, cols] and "0.bias" [rows], values in [-lo, lo]. */
export function randomUpdate(rows: number, cols: number, lo: number): Map<string, Tensor> {
  return new Map([
    ['0.weight', { shape: [rows, cols], data: randomVector(rows * cols, lo) }],
    ['0.bias', { shape: [rows], data: randomVector(rows, lo) }],
  ]);
}

/** Plain example-weighted mean in float64 of clip(x, -clip, clip). */
export function plainWeightedMean(updates: readonly { update: Weights; numExamples: number }[], clip: number): Map<string, Float64Array> {
  const total = updates.reduce((s, u) => s + u.numExamples, 0);
  const out = new Map<string, Float64Array>();
  for (const [name, t] of updates[0].update) out.set(name, new Float64Array(t.data.length));
  for (const u of updates) {
    for (const [name, t] of u.update) {
      const acc = out.get(name)!;
      for (let i = 0; i < t.data.length; i++) acc[i] += (Math.min(clip, Math.max(-clip, t.data[i])) * u.numExamples) / total;
    }
  }
  return out;
}

export function maxAbsDiff(a: ReadonlyMap<string, Tensor>, b: ReadonlyMap<string, Float64Array>): number {
  let m = 0;
  for (const [name, t] of a) {
    const e = b.get(name)!;
    assert.equal(t.data.length, e.length, name);
    for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(t.data[i] - e[i]));
  }
  return m;
}

export function isCode(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof MedfedError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}
