import assert from 'node:assert/strict';
import { modelLayout, type ModelLayout } from '../../src/core/model-params.js';
import type { Tensor, Weights } from '../../src/core/tensors.js';
import type { TrainOptions } from '../../src/engine/engine.js';
import type { FitReply } from '../../src/strategies/strategy.js';

/** dense(4) → batchNorm → relu → dense(2) on 3 features: trainable tensors and batch-norm statistics. */
export function bnLayout(): ModelLayout {
  return modelLayout({
    inputShape: [3],
    layers: [{ type: 'dense', units: 4 }, { type: 'batchNorm' }, { type: 'activation', activation: 'relu' }, { type: 'dense', units: 2 }],
    loss: 'softmax_cross_entropy',
  });
}

/** A linear model y = w·x on `n` features without bias: one tensor "0.weight" of shape [1, n]. */
export function vectorLayout(n: number): ModelLayout {
  return modelLayout({ inputShape: [n], layers: [{ type: 'dense', units: 1, useBias: false }], loss: 'mse' });
}

/** Weights of `layout` with value f(name, flat index). */
export function weightsOf(layout: ModelLayout, f: (name: string, i: number) => number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const p of layout.params) {
    const n = p.shape.reduce((a, d) => a * d, 1);
    out.set(p.name, { shape: [...p.shape], data: Float32Array.from({ length: n }, (_, i) => f(p.name, i)) });
  }
  return out;
}

/** Tensors from shapes and flat row-major values. */
export function tensors(entries: Record<string, [readonly number[], number[]]>): Map<string, Tensor> {
  return new Map(Object.entries(entries).map(([n, [shape, values]]) => [n, { shape: [...shape], data: Float32Array.from(values) }]));
}

export function sgdOptions(lr = 0.1): TrainOptions {
  return { epochs: 1, batchSize: 8, optimizer: { name: 'sgd', lr }, seed: 7 };
}

export function reply(siteId: string, weights: Weights, numExamples: number, extra: FitReply['extra'] = {}, steps = 5): FitReply {
  return { siteId, weights, numExamples, steps, extra, metrics: {} };
}

/** Plain arrays of every tensor (for deepEqual and readable failures). */
export function plain(w: Weights): Record<string, number[]> {
  return Object.fromEntries([...w].map(([n, t]) => [n, Array.from(t.data)]));
}

export function plainState(s: Record<string, Weights>): Record<string, Record<string, number[]>> {
  return Object.fromEntries(Object.entries(s).map(([k, w]) => [k, plain(w)]));
}

/** Every value of `actual` within `tol` (absolute) of `expected`, same names and shapes. */
export function assertClose(actual: Weights, expected: Weights, tol = 1e-6, what = 'weights'): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()], `${what}: tensor names`);
  for (const [n, e] of expected) {
    const a = actual.get(n)!;
    assert.deepEqual(a.shape, e.shape, `${what}: shape of ${n}`);
    for (let i = 0; i < e.data.length; i++) {
      const diff = Math.abs(a.data[i] - e.data[i]);
      assert.ok(diff <= tol * Math.max(1, Math.abs(e.data[i])), `${what}: ${n}[${i}] = ${a.data[i]}, expected ${e.data[i]}`);
    }
  }
}
