import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';
import { assertClose, bnLayout, reply, sgdOptions, tensors, vectorLayout, weightsOf } from './fixtures.js';

test('fedavg weights the mean by example counts', () => {
  const layout = vectorLayout(3);
  const server = getStrategy('fedavg').createServer(parseStrategyOptions('fedavg', {}, 'test'), layout);
  const w = (a: number, b: number, c: number) => tensors({ '0.weight': [[1, 3], [a, b, c]] });
  // (1·[1, 2, 0] + 3·[5, -2, 4] + 4·[0, 0, 1]) / 8 = [16, -4, 16] / 8
  const out = server.aggregateFit({ round: 1, totalSites: 3, layout }, w(0, 0, 0), [
    reply('a', w(1, 2, 0), 1),
    reply('b', w(5, -2, 4), 3),
    reply('c', w(0, 0, 1), 4),
  ]);
  assertClose(out, w(2, -0.5, 2), 0);
});

test('fedavg averages batch-norm running statistics like every other tensor', () => {
  const layout = bnLayout();
  const server = getStrategy('fedavg').createServer(parseStrategyOptions('fedavg', {}, 'test'), layout);
  const a = weightsOf(layout, (n, i) => (n === '1.running_var' ? 1 + i : 0.5));
  const b = weightsOf(layout, (n, i) => (n === '1.running_var' ? 3 - i : -1.5));
  // running_var: (3·(1 + i) + 1·(3 − i)) / 4 = 1.5 + 0.5·i; others (3·0.5 − 1.5)/4 = 0
  const out = server.aggregateFit({ round: 1, totalSites: 2, layout }, a, [reply('a', a, 3), reply('b', b, 1)]);
  assertClose(out, weightsOf(layout, (n, i) => (n === '1.running_var' ? 1.5 + 0.5 * i : 0)), 0);
});

test('fedavg sites train from the global weights with their own options', () => {
  const layout = vectorLayout(2);
  const global = tensors({ '0.weight': [[1, 2], [0.25, -1]] });
  const site = getStrategy('fedavg').createSite({});
  const state = new Map();
  const ctx = { round: 1, layout, global, directive: { config: {}, extra: {} }, state, baseOptions: sgdOptions(0.3) };
  const { start, options } = site.beforeTrain(ctx);
  assert.equal(start, global);
  assert.deepEqual(options, sgdOptions(0.3));
  assert.deepEqual(site.afterTrain(ctx, global, 4), {});
  assert.equal(state.size, 0);
});
