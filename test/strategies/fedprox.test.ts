import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../src/core/errors.js';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';
import { plain, reply, sgdOptions, tensors, vectorLayout } from './fixtures.js';

const layout = vectorLayout(2);
const w = (a: number, b: number) => tensors({ '0.weight': [[1, 2], [a, b]] });

test('fedprox aggregates exactly like fedavg and sends mu to the sites', () => {
  const prox = getStrategy('fedprox').createServer(parseStrategyOptions('fedprox', { mu: 0.2 }, 'test'), layout);
  const avg = getStrategy('fedavg').createServer({}, layout);
  const ctx = { round: 1, totalSites: 2, layout };
  const replies = [reply('a', w(1, 3), 2), reply('b', w(-1, 0), 6)];
  assert.deepEqual(plain(prox.aggregateFit(ctx, w(0, 0), replies)), plain(avg.aggregateFit(ctx, w(0, 0), replies)));
  assert.deepEqual(prox.configureFit(ctx, w(0, 0)).config, { 'fedprox.mu': 0.2 });
});

test('the fedprox site trains from the global weights with a proximal term anchored at them', () => {
  const global = w(0.5, -0.5);
  const site = getStrategy('fedprox').createSite(parseStrategyOptions('fedprox', {}, 'test'));
  const base = sgdOptions();
  const ctx = (config: Record<string, number | string>) => ({ round: 1, layout, global, directive: { config, extra: {} }, state: new Map(), baseOptions: base });
  const own = site.beforeTrain(ctx({}));
  assert.equal(own.start, global);
  assert.deepEqual(own.options, { ...base, proximal: { mu: 0.01, anchor: global } });
  assert.equal(site.beforeTrain(ctx({ 'fedprox.mu': 0.3 })).options.proximal?.mu, 0.3, "the server's mu wins");
  assert.throws(() => site.beforeTrain(ctx({ 'fedprox.mu': -1 })), (e: Error & { code?: string }) => e.code === ErrorCodes.CONFIG_INVALID);
  assert.throws(() => site.beforeTrain(ctx({ 'fedprox.mu': 'big' })), (e: Error & { code?: string }) => e.code === ErrorCodes.CONFIG_INVALID);
});
