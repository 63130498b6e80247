import type { Tensor, Weights } from '../../../src/core/tensors.js';
import type { FilterInput } from '../../../src/privacy/filters/types.js';

/** Tensors from flat values (shape [n] each). */
export function vecs(entries: Record<string, number[]>): Map<string, Tensor> {
  return new Map(Object.entries(entries).map(([n, v]) => [n, { shape: [v.length], data: Float32Array.from(v) }]));
}

/** An update whose delta is `delta` from `global` (values chosen exact in float32). */
export function updateWithDelta(global: Record<string, number[]>, delta: Record<string, number[]>): FilterInput {
  const weights = Object.fromEntries(Object.entries(global).map(([n, g]) => [n, g.map((v, i) => v + delta[n][i])]));
  return { weights: vecs(weights), global: vecs(global), numExamples: 12 };
}

export function plainOf(w: Weights): Record<string, number[]> {
  return Object.fromEntries([...w].map(([n, t]) => [n, Array.from(t.data)]));
}

/** The delta actually sent, per tensor (float64 differences of the float32 values). */
export function sentDelta(weights: Weights, global: Weights): Record<string, number[]> {
  return Object.fromEntries([...weights].map(([n, t]) => [n, Array.from(t.data, (v, i) => v - global.get(n)!.data[i])]));
}
