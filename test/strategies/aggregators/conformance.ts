import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCodes, MedfedError, type ErrorCode } from '../../../src/core/errors.js';
import { Rng } from '../../../src/core/random.js';
import type { Tensor, Weights } from '../../../src/core/tensors.js';
import type { Aggregator, WeightedUpdate } from '../../../src/strategies/aggregators/types.js';
import { plain } from '../fixtures.js';

const shapes: Record<string, number[]> = { '0.weight': [3, 2], '0.bias': [3], '2.running_var': [3] };

function randomWeights(rng: Rng): Map<string, Tensor> {
  return new Map(
    Object.entries(shapes).map(([n, s]) => [n, { shape: [...s], data: Float32Array.from({ length: s[0] * (s[1] ?? 1) }, () => rng.normal() * 2) }]),
  );
}

function rejects(fn: () => unknown, code: ErrorCode, mention: string): void {
  assert.throws(fn, (e: unknown) => e instanceof MedfedError && e.code === code && `${e.message} ${e.where}`.includes(mention));
}

/**
 * Registers node:test cases every aggregation rule must pass (means, medians, trimmed means and
 * Krum alike): identity on identical updates, exact output layout, order independence, results
 * inside the inputs' range, inputs untouched, and clear errors for empty or inconsistent input.
 */
export function aggregatorConformance(name: string, aggregate: Aggregator): void {
  describe(`aggregator conformance: ${name}`, () => {
    const rng = new Rng(42);
    const many = Array.from({ length: 7 }, (_, i): WeightedUpdate => ({ weights: randomWeights(rng), weight: 1 + (i % 3) }));

    test('identical updates aggregate to that update, whatever the weights', () => {
      const w = randomWeights(rng);
      for (const weights of [[1], [3, 1], [2, 7, 1, 1, 5]]) {
        assert.deepEqual(plain(aggregate(weights.map((weight) => ({ weights: w, weight })))), plain(w));
      }
    });

    test('the output has the updates\' names (in order) and shapes, with finite values', () => {
      const out = aggregate(many);
      assert.deepEqual([...out.keys()], Object.keys(shapes));
      for (const [n, t] of out) {
        assert.deepEqual(t.shape, shapes[n]);
        assert.ok(t.data.every(Number.isFinite));
      }
    });

    test('the result does not depend on the order of the updates', () => {
      const a = plain(aggregate(many));
      const b = plain(aggregate([...many].reverse()));
      const c = plain(aggregate([many[3], many[0], many[6], many[1], many[5], many[2], many[4]]));
      for (const other of [b, c]) for (const n of Object.keys(a)) a[n].forEach((v, i) => assert.ok(Math.abs(v - other[n][i]) <= 1e-6 * Math.max(1, Math.abs(v))));
    });

    test('every value lies within the range of the inputs', () => {
      const out = aggregate(many);
      for (const [n, t] of out) {
        t.data.forEach((v, i) => {
          const vals = many.map((u) => u.weights.get(n)!.data[i]);
          assert.ok(v >= Math.min(...vals) - 1e-6 && v <= Math.max(...vals) + 1e-6, `${n}[${i}] = ${v} outside the inputs`);
        });
      }
    });

    test('inputs are not modified', () => {
      const before = many.map((u) => plain(u.weights));
      aggregate(many);
      assert.deepEqual(many.map((u) => plain(u.weights)), before);
    });

    test('empty input, inconsistent layouts and invalid weights are rejected', () => {
      const w = many[0].weights;
      const without = (drop: string): Weights => new Map([...w].filter(([n]) => n !== drop));
      const reshaped = new Map(w).set('0.bias', { shape: [1, 3], data: new Float32Array(3) });
      rejects(() => aggregate([]), ErrorCodes.QUORUM_NOT_MET, 'no updates');
      rejects(() => aggregate([many[0], { weights: without('0.bias'), weight: 1 }]), ErrorCodes.SHAPE_MISMATCH, 'updates[1]');
      rejects(() => aggregate([{ weights: without('0.bias'), weight: 1 }, many[0]]), ErrorCodes.SHAPE_MISMATCH, '0.bias');
      rejects(() => aggregate([many[0], { weights: reshaped, weight: 1 }]), ErrorCodes.SHAPE_MISMATCH, '0.bias');
      rejects(() => aggregate([many[0], { weights: w, weight: -1 }]), ErrorCodes.DATA_INVALID, 'updates[1].weight');
      rejects(() => aggregate([many[0], { weights: w, weight: Number.NaN }]), ErrorCodes.DATA_INVALID, 'updates[1].weight');
      rejects(() => aggregate([{ weights: w, weight: 0 }]), ErrorCodes.DATA_INVALID, 'weights are 0');
    });
  });
}

/** The Byzantine updates the outlier case tries: f copies of each attack against the honest ones. */
const attacks: Record<string, (honest: readonly Map<string, Tensor>[], rng: Rng) => Map<string, Tensor>[]> = {
  'far away (colluding, +1000)': (h) => h.map((w) => mapValues(w, (v) => v + 1000)),
  'scaled 100x (model replacement)': (h) => h.map((w) => mapValues(w, (v) => 100 * v)),
  'sign-flipped and boosted (-10x)': (h) => h.map((w) => mapValues(w, (v) => -10 * v)),
  'random noise (sd 50)': (h, rng) => h.map((w) => mapValues(w, () => rng.normal() * 50)),
};

function mapValues(w: Weights, f: (v: number) => number): Map<string, Tensor> {
  return new Map([...w].map(([n, t]) => [n, { shape: [...t.shape], data: t.data.map(f) }]));
}

/**
 * Registers the robustness case robust rules pass and the mean fails: `honest` updates near one
 * point (noise sd 0.01) and f adversarial ones (far away, scaled, sign-flipped, noise), all with
 * weight 1. Every output value must lie within the honest values' range at that coordinate, and
 * the output must be over 10x closer to the honest mean than the plain mean is. `aggregate` is the
 * rule configured for f (n = honest + f updates in all).
 */
export function outlierConformance(name: string, aggregate: Aggregator, f: number, honest = 8): void {
  describe(`aggregator robustness: ${name} tolerates f = ${f} outliers among ${honest + f}`, () => {
    for (const [attack, make] of Object.entries(attacks)) {
      test(`attack: ${attack}`, () => {
        const rng = new Rng(7 + f);
        const center = randomWeights(rng);
        const good = Array.from({ length: honest }, () => mapValues(center, (v) => v + rng.normal() * 0.01));
        const bad = make(good.slice(0, f), rng);
        const updates = [...bad, ...good].map((weights): WeightedUpdate => ({ weights, weight: 1 }));
        const out = aggregate(updates, { global: center });
        let robustDistance = 0;
        let meanDistance = 0;
        for (const [n, t] of out) {
          t.data.forEach((v, i) => {
            const vals = good.map((w) => w.get(n)!.data[i]);
            const honestMean = vals.reduce((a, b) => a + b, 0) / honest;
            const plainMean = updates.reduce((a, u) => a + u.weights.get(n)!.data[i], 0) / updates.length;
            assert.ok(v >= Math.min(...vals) - 1e-6 && v <= Math.max(...vals) + 1e-6, `${n}[${i}] = ${v} outside the honest values [${Math.min(...vals)}, ${Math.max(...vals)}]`);
            robustDistance += (v - honestMean) ** 2;
            meanDistance += (plainMean - honestMean) ** 2;
          });
        }
        assert.ok(Math.sqrt(robustDistance) * 10 < Math.sqrt(meanDistance), `distance to the honest mean ${Math.sqrt(robustDistance)} vs the plain mean's ${Math.sqrt(meanDistance)}`);
      });
    }
  });
}
