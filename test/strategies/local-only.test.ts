import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../src/core/errors.js';
import { getStrategy } from '../../src/strategies/registry.js';
import type { SiteState } from '../../src/strategies/strategy.js';
import { plain, plainState, reply, sgdOptions, tensors, vectorLayout } from './fixtures.js';

const layout = vectorLayout(2);
const w = (a: number, b: number) => tensors({ '0.weight': [[1, 2], [a, b]] });
const plugin = getStrategy('local-only');

test('local-only keeps the global weights and each site\'s latest model in its state', () => {
  const server = plugin.createServer({}, layout);
  const ctx = { round: 1, totalSites: 2, layout };
  const out = server.aggregateFit(ctx, w(0, 0), [reply('b', w(3, 4), 1), reply('a', w(1, 2), 5)]);
  assert.deepEqual(plain(out), plain(w(0, 0)));
  server.aggregateFit(ctx, w(0, 0), [reply('a', w(7, 8), 5)]);
  assert.deepEqual(plainState(server.exportState()), { 'local.a': plain(w(7, 8)), 'local.b': plain(w(3, 4)) });
  assert.throws(() => plugin.createServer({}, layout).importState({ 'other.key': w(0, 0) }), (e: Error & { code?: string }) => e.code === ErrorCodes.FORMAT_INVALID);
});

test('a local-only site continues from its own model and evaluates it', () => {
  const site = plugin.createSite({});
  const state: SiteState = new Map();
  const ctx = (global = w(0, 0)) => ({ round: 1, layout, global, directive: { config: {}, extra: {} }, state, baseOptions: sgdOptions() });
  assert.deepEqual(plain(site.beforeTrain(ctx()).start), plain(w(0, 0)));
  site.afterTrain(ctx(), w(1, 1), 3);
  assert.deepEqual(plain(site.beforeTrain(ctx(w(9, 9))).start), plain(w(1, 1)));
  assert.deepEqual(plain(site.personalize({ layout, global: w(9, 9), state })), plain(w(1, 1)));
});
