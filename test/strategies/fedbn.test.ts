import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialWeights } from '../../src/core/model-params.js';
import type { Weights } from '../../src/core/tensors.js';
import { getStrategy } from '../../src/strategies/registry.js';
import type { SiteState } from '../../src/strategies/strategy.js';
import { assertClose, bnLayout, reply, sgdOptions, weightsOf } from './fixtures.js';

const layout = bnLayout();
const isBn = (n: string) => n.startsWith('1.');
const plugin = getStrategy('fedbn');

test('the fedbn server averages all but the normalisation tensors, which keep their global values', () => {
  const server = plugin.createServer({}, layout);
  const global = weightsOf(layout, () => 7);
  const out = server.aggregateFit({ round: 1, totalSites: 2, layout }, global, [
    reply('a', weightsOf(layout, (_n, i) => i), 1),
    reply('b', weightsOf(layout, (_n, i) => -i + 4), 3),
  ]);
  // (1·i + 3·(4 − i)) / 4 = 3 − 0.5·i elsewhere; batch norm stays 7
  assertClose(out, weightsOf(layout, (n, i) => (isBn(n) ? 7 : 3 - 0.5 * i)), 0);
});

test('fedbn sites train and evaluate with their own normalisation tensors', () => {
  const site = plugin.createSite({});
  const directive = { config: {}, extra: {} };
  const g1 = initialWeights(layout, 1);
  const stateA: SiteState = new Map();
  const stateB: SiteState = new Map();
  const round = (state: SiteState, global: Weights, trained: Weights) => {
    const ctx = { round: 1, layout, global, directive, state, baseOptions: sgdOptions() };
    const { start } = site.beforeTrain(ctx);
    assert.deepEqual(site.afterTrain(ctx, trained, 3), {});
    return start;
  };
  // First round: both start from the global weights, BN included.
  assertClose(round(stateA, g1, weightsOf(layout, () => 1)), g1, 0);
  assertClose(round(stateB, g1, weightsOf(layout, () => 2)), g1, 0);
  // Second round: the global non-BN tensors with each site's trained BN tensors overlaid.
  const g2 = weightsOf(layout, () => 5);
  assertClose(round(stateA, g2, weightsOf(layout, () => 3)), weightsOf(layout, (n) => (isBn(n) ? 1 : 5)), 0);
  assertClose(round(stateB, g2, weightsOf(layout, () => 4)), weightsOf(layout, (n) => (isBn(n) ? 2 : 5)), 0);
  // Evaluation uses the latest local BN tensors.
  assertClose(site.personalize({ layout, global: g2, state: stateA }), weightsOf(layout, (n) => (isBn(n) ? 3 : 5)), 0);
  assertClose(site.personalize({ layout, global: g2, state: stateB }), weightsOf(layout, (n) => (isBn(n) ? 4 : 5)), 0);
  assertClose(site.personalize({ layout, global: g2, state: new Map() }), g2, 0);
});
