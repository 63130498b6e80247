import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../src/core/errors.js';
import { initialWeights } from '../../src/core/model-params.js';
import type { Weights } from '../../src/core/tensors.js';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';
import type { FitDirective, SiteState } from '../../src/strategies/strategy.js';
import { assertClose, bnLayout, reply, sgdOptions, tensors, vectorLayout, weightsOf } from './fixtures.js';

const layout = vectorLayout(2);
const w = (a: number, b: number) => tensors({ '0.weight': [[1, 2], [a, b]] });
const plugin = getStrategy('scaffold');
const defaults = parseStrategyOptions('scaffold', {}, 'test');

function siteRound(state: SiteState, round: number, global: Weights, directive: FitDirective, trained: Weights, steps: number, lr: number) {
  const site = plugin.createSite(defaults);
  const ctx = { round, layout, global, directive, state, baseOptions: sgdOptions(lr) };
  const { start, options } = site.beforeTrain(ctx);
  return { start, options, extra: site.afterTrain(ctx, trained, steps) };
}

test('scaffold control variates over two rounds, computed by hand', () => {
  const server = plugin.createServer(defaults, layout);
  const ctx = (round: number) => ({ round, totalSites: 4, layout });
  const stateA: SiteState = new Map();
  const stateB: SiteState = new Map();
  const x0 = w(1, 2);
  const d1 = server.configureFit(ctx(1), x0);
  assertClose(d1.extra['scaffold.c'], w(0, 0), 0, 'c0');
  // Site a: K·η_l = 5·0.1; c_a⁺ = 0 − 0 + ([1, 2] − [0.5, 2.5]) / 0.5 = [1, −1]
  const a1 = siteRound(stateA, 1, x0, d1, w(0.5, 2.5), 5, 0.1);
  assertClose(a1.options.gradientCorrection!, w(0, 0), 0, 'first correction');
  assertClose(a1.extra['scaffold.delta_c'], w(1, -1), 1e-6, 'Δc_a');
  // Site b: K·η_l = 5·0.2; c_b⁺ = ([1, 2] − [1.5, 1]) / 1 = [−0.5, 1]
  const b1 = siteRound(stateB, 1, x0, d1, w(1.5, 1), 5, 0.2);
  assertClose(b1.extra['scaffold.delta_c'], w(-0.5, 1), 1e-6, 'Δc_b');
  assertClose(stateB.get('scaffold.c_i')!, w(-0.5, 1), 1e-6, 'c_b stored');
  // x1 = (1·[0.5, 2.5] + 3·[1.5, 1]) / 4 = [1.25, 1.375]; c1 = (2/4)·(1·[1, −1] + 3·[−0.5, 1]) / 4 = [−0.0625, 0.25]
  const x1 = server.aggregateFit(ctx(1), x0, [
    reply('a', w(0.5, 2.5), 1, a1.extra, 5),
    reply('b', w(1.5, 1), 3, b1.extra, 5),
  ]);
  assertClose(x1, w(1.25, 1.375), 1e-6, 'x1');
  const d2 = server.configureFit(ctx(2), x1);
  assertClose(d2.extra['scaffold.c'], w(-0.0625, 0.25), 1e-6, 'c1');
  // Round 2, site a: correction c1 − c_a = [−1.0625, 1.25]; y = [1, 1], K·η_l = 0.2:
  // c_a⁺ = [1, −1] − [−0.0625, 0.25] + ([1.25, 1.375] − [1, 1]) / 0.2 = [2.3125, 0.625]; Δc = [1.3125, 1.625]
  const a2 = siteRound(stateA, 2, x1, d2, w(1, 1), 2, 0.1);
  assertClose(a2.options.gradientCorrection!, w(-1.0625, 1.25), 1e-6, 'second correction');
  assertClose(a2.extra['scaffold.delta_c'], w(1.3125, 1.625), 1e-5, 'Δc_a round 2');
  assertClose(stateA.get('scaffold.c_i')!, w(2.3125, 0.625), 1e-5, 'c_a round 2');
  // Only a replies: x2 = [1, 1]; c2 = c1 + (1/4)·[1.3125, 1.625] = [0.265625, 0.65625]
  const x2 = server.aggregateFit(ctx(2), x1, [reply('a', w(1, 1), 1, a2.extra, 2)]);
  assertClose(x2, w(1, 1), 1e-6, 'x2');
  assertClose(server.exportState()['scaffold.c'], w(0.265625, 0.65625), 1e-5, 'c2');
});

test('scaffold: uniform weighting and a server learning rate; batch-norm statistics are only averaged and get no control variate', () => {
  const bn = bnLayout();
  const server = plugin.createServer(parseStrategyOptions('scaffold', { globalLr: 0.5, weighting: 'uniform' }, 'test'), bn);
  const x = initialWeights(bn, 5);
  const trainable = ['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias'];
  const shifted = (d: number) => weightsOf(bn, (n, i) => x.get(n)!.data[i] + d);
  const dc = (v: number) => new Map(trainable.map((n) => [n, { shape: [...x.get(n)!.shape], data: new Float32Array(x.get(n)!.data.length).fill(v) }]));
  const out = server.aggregateFit({ round: 1, totalSites: 2, layout: bn }, x, [
    reply('a', shifted(1), 1, { 'scaffold.delta_c': dc(1) }),
    reply('b', shifted(3), 3, { 'scaffold.delta_c': dc(3) }),
  ]);
  // uniform mean = x + 2: trainable x + 0.5·2, running statistics x + 2
  assertClose(out, weightsOf(bn, (n, i) => x.get(n)!.data[i] + (n.includes('running') ? 2 : 1)), 1e-6);
  const c = server.exportState()['scaffold.c'];
  assert.deepEqual([...c.keys()], trainable);
  assertClose(c, dc(2), 1e-6, 'c');
});

test('scaffold rejects replies without a valid delta_c, naming the site', () => {
  const server = plugin.createServer(defaults, layout);
  const ctx = { round: 1, totalSites: 2, layout };
  const check = (extra: Record<string, Weights>, ...mentions: string[]) =>
    assert.throws(
      () => server.aggregateFit(ctx, w(0, 0), [reply('a', w(1, 1), 1, { 'scaffold.delta_c': w(0, 0) }), reply('b', w(1, 1), 1, extra)]),
      (e: Error & { code?: string }) => e.code === ErrorCodes.SHAPE_MISMATCH && mentions.every((m) => e.message.includes(m)),
    );
  check({}, 'site "b"', 'scaffold.delta_c');
  check({ 'scaffold.delta_c': tensors({ '0.weight': [[2], [1, 1]] }) }, 'site "b"', '0.weight', '[2]');
});

test('the scaffold site needs plain SGD and the server control variate; zero steps leave c_i unchanged', () => {
  const site = plugin.createSite(defaults);
  const global = w(1, 1);
  const directive = { config: {}, extra: { 'scaffold.c': w(0.5, 0.5) } };
  const state: SiteState = new Map([['scaffold.c_i', w(0.25, 0)]]);
  const adam = { ...sgdOptions(), optimizer: { name: 'adam' as const, lr: 0.01 } };
  assert.throws(() => site.beforeTrain({ round: 1, layout, global, directive, state, baseOptions: adam }), (e: Error & { code?: string }) => e.code === ErrorCodes.CONFIG_INVALID && e.message.includes('SGD'));
  const noC = { config: {}, extra: {} };
  assert.throws(() => site.beforeTrain({ round: 1, layout, global, directive: noC, state, baseOptions: sgdOptions() }), (e: Error & { code?: string }) => e.code === ErrorCodes.SHAPE_MISMATCH);
  const ctx = { round: 1, layout, global, directive, state, baseOptions: sgdOptions() };
  assertClose(site.beforeTrain(ctx).options.gradientCorrection!, w(0.25, 0.5), 0);
  assertClose(site.afterTrain(ctx, global, 0)['scaffold.delta_c'], w(0, 0), 0);
  assertClose(state.get('scaffold.c_i')!, w(0.25, 0), 0);
});
