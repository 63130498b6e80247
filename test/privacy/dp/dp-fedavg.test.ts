import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelLayout } from '../../../src/core/model-params.js';
import type { Tensor } from '../../../src/core/tensors.js';
import { nextClipNorm, updateNoiseMultiplier } from '../../../src/privacy/dp/dp-fedavg-math.js';
import { createDpGaussianFilter } from '../../../src/privacy/dp/site-dp-filter.js';
import { dpFedavgServer } from '../../../src/strategies/dp-fedavg.js';
import { parseStrategyOptions } from '../../../src/strategies/registry.js';
import type { FitReply } from '../../../src/strategies/strategy.js';

// dense 2 -> 1: "0.weight" [1, 2] and "0.bias" [1]; a delta is 3 numbers.
const layout = modelLayout({ inputShape: [2], layers: [{ type: 'dense', units: 1 }], loss: 'sigmoid_cross_entropy' });
const global = new Map<string, Tensor>([
  ['0.weight', { shape: [1, 2], data: Float32Array.of(1, 1) }],
  ['0.bias', { shape: [1], data: Float32Array.of(0) }],
]);
function reply(siteId: string, d: [number, number, number], bit?: number): FitReply {
  const weights = new Map<string, Tensor>([
    ['0.weight', { shape: [1, 2], data: Float32Array.of(1 + d[0], 1 + d[1]) }],
    ['0.bias', { shape: [1], data: Float32Array.of(d[2]) }],
  ]);
  const extra: Record<string, Map<string, Tensor>> = bit === undefined ? {} : { 'dp-fedavg.unclipped': new Map([['bit', { shape: [1], data: Float32Array.of(bit) }]]) };
  return { siteId, weights, numExamples: 10, steps: 1, extra, metrics: {} };
}
/** A uniform source that makes the Gaussian source return exactly z0 = sqrt(-2 ln(1 - u1)) with u2 = 0. */
function fixedNormal(u1: number): () => number {
  let k = 0;
  return () => (k++ % 2 === 0 ? u1 : 0);
}
const ctx = { round: 1, totalSites: 2, layout };

test('fixed clipping, no noise: deltas clipped to C and averaged uniformly (hand computation)', () => {
  const opts = parseStrategyOptions('dp-fedavg', { clipNorm: 1, noiseMultiplier: 0 }, 'o') as Parameters<typeof dpFedavgServer>[0];
  const server = dpFedavgServer(opts, layout);
  // Site a: delta (3, 4, 0), norm 5 -> (0.6, 0.8, 0). Site b: (0, 0, 0.5), norm 0.5, kept.
  const out = server.aggregateFit(ctx, global, [reply('a', [3, 4, 0]), reply('b', [0, 0, 0.5])]);
  assert.deepEqual([...out.get('0.weight')!.data], [Math.fround(1 + 0.3), Math.fround(1 + 0.4)]);
  assert.equal(out.get('0.bias')!.data[0], Math.fround(0.25));
});

test('noise: N(0, (sigma C / n)^2) added once, from the injected source', () => {
  const u1 = 1 - Math.exp(-0.5); // z = sqrt(-2 ln(1 - u1)) = 1 exactly
  const opts = parseStrategyOptions('dp-fedavg', { clipNorm: 2, noiseMultiplier: 0.5, serverLr: 1 }, 'o') as Parameters<typeof dpFedavgServer>[0];
  const server = dpFedavgServer(opts, layout, fixedNormal(u1));
  const out = server.aggregateFit(ctx, global, [reply('a', [0, 0, 0]), reply('b', [0, 0, 0])]);
  // Each coordinate: (0 + sigma C z) / n = 0.5 * 2 * z / 2 with z = 1 (cos 0), then the spare sin 0 = 0, then 1 again.
  assert.ok(Math.abs(out.get('0.weight')!.data[0] - 1.5) < 1e-6);
  assert.ok(Math.abs(out.get('0.weight')!.data[1] - 1) < 1e-6);
  assert.ok(Math.abs(out.get('0.bias')!.data[0] - 0.5) < 1e-6);
});

test('adaptive clipping: C follows the noiseless fraction of unclipped updates geometrically', () => {
  const opts = parseStrategyOptions('dp-fedavg', { clipNorm: 1, noiseMultiplier: 0, adaptive: true, targetQuantile: 0.5, clipLearningRate: 0.2 }, 'o') as Parameters<typeof dpFedavgServer>[0];
  const server = dpFedavgServer(opts, layout);
  assert.equal(server.configureFit(ctx, global).config['dp-fedavg.clipNorm'], 1);
  // Both sites report "unclipped": fraction 1, C <- exp(-0.2 * (1 - 0.5)).
  server.aggregateFit(ctx, global, [reply('a', [0.1, 0, 0], 1), reply('b', [0, 0.1, 0], 1)]);
  const c1 = server.configureFit(ctx, global).config['dp-fedavg.clipNorm'] as number;
  assert.ok(Math.abs(c1 - Math.exp(-0.1)) < 1e-12);
  // Neither unclipped: C grows by exp(0.1).
  server.aggregateFit(ctx, global, [reply('a', [3, 0, 0], 0), reply('b', [0, 3, 0], 0)]);
  assert.ok(Math.abs((server.configureFit(ctx, global).config['dp-fedavg.clipNorm'] as number) - 1) < 1e-6);
});

test('adaptive clipping math: noisy count and the update noise multiplier of Andrew et al. (Thm. 1)', () => {
  const r = nextClipNorm(2, [1, 0, 1, 1], { targetQuantile: 0.5, learningRate: 0.2, countStd: 0.5 }, () => 1);
  // fraction (3 + 0.5) / 4 = 0.875; C = 2 exp(-0.2 * 0.375).
  assert.ok(Math.abs(r.unclippedFraction - 0.875) < 1e-15);
  assert.ok(Math.abs(r.clipNorm - 2 * Math.exp(-0.075)) < 1e-12);
  // z = 1, sigma_b = 1: (1 - 1/4)^(-1/2) = 2 / sqrt(3).
  assert.ok(Math.abs(updateNoiseMultiplier(1, 1) - 2 / Math.sqrt(3)) < 1e-12);
  assert.throws(() => updateNoiseMultiplier(1, 0.5), /clipCountStddev/);
});

test('dp-fedavg refuses a batch-norm model when it adds noise', () => {
  const bn = modelLayout({ inputShape: [2], layers: [{ type: 'dense', units: 2 }, { type: 'batchNorm' }, { type: 'dense', units: 1 }], loss: 'sigmoid_cross_entropy' });
  const opts = parseStrategyOptions('dp-fedavg', {}, 'o') as Parameters<typeof dpFedavgServer>[0];
  assert.throws(() => dpFedavgServer(opts, bn), (e: unknown) => (e as { code: string }).code === 'MEDFED_ERR_CONFIG_INVALID');
});

test('site filter dp-gaussian: clips the delta to C and adds sigma C noise before release', () => {
  const u1 = 1 - Math.exp(-0.5);
  const filter = createDpGaussianFilter({ clipNorm: 1, noiseMultiplier: 0.1 }, fixedNormal(u1));
  const { weights, record } = filter.apply({ global, weights: reply('a', [3, 4, 0]).weights, numExamples: 10 }, {});
  // delta (0.6, 0.8, 0) + noise (0.1, 0, 0.1).
  assert.ok(Math.abs(weights.get('0.weight')!.data[0] - 1.7) < 1e-6);
  assert.ok(Math.abs(weights.get('0.weight')!.data[1] - 1.8) < 1e-6);
  assert.ok(Math.abs(weights.get('0.bias')!.data[0] - 0.1) < 1e-6);
  assert.equal(record.effect.normBefore, 5);
  assert.equal(record.effect.clipped, 1);
});
