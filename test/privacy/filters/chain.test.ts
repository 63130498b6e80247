import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { Rng } from '../../../src/core/random.js';
import { applyFilters, filterNames, parseFilterChain } from '../../../src/privacy/filters/index.js';
import { plainOf, sentDelta, updateWithDelta } from './fixtures.js';

const update = updateWithDelta({ a: [1, 1, 1] }, { a: [3, 4, 12] }); // delta norm 13

test('the chain order matters and is recorded', () => {
  const clipThenSparsify = parseFilterChain([{ name: 'norm-clip', options: { maxNorm: 6.5 } }, { name: 'top-k', options: { fraction: 0.3 } }]);
  const sparsifyThenClip = parseFilterChain([{ name: 'top-k', options: { fraction: 0.3 } }, { name: 'norm-clip', options: { maxNorm: 6.5 } }]);
  const a = applyFilters(clipThenSparsify, update);
  const b = applyFilters(sparsifyThenClip, update);
  // clip: (1.5, 2, 6) then keep the largest: (0, 0, 6); keep the largest: (0, 0, 12) then clip: (0, 0, 6.5)
  assert.deepEqual(sentDelta(a.update.weights, update.global), { a: [0, 0, 6] });
  assert.deepEqual(sentDelta(b.update.weights, update.global), { a: [0, 0, 6.5] });
  assert.deepEqual(a.records.map((r) => r.filter), ['norm-clip', 'top-k']);
  assert.deepEqual(b.records.map((r) => r.filter), ['top-k', 'norm-clip']);
  assert.deepEqual([a.records[0].effect.normBefore, b.records[1].effect.normBefore], [13, 12]);
  assert.deepEqual(JSON.parse(JSON.stringify(a.records)), a.records, 'records are JSON-safe for the audit trail');
  assert.equal(a.update.numExamples, 12);
  assert.equal(a.update.global, update.global);
});

test('excluded layers stay exactly the global values through a full chain', () => {
  const rng = new Rng(8);
  const values = (n: number) => Array.from({ length: n }, () => rng.normal());
  const full = updateWithDelta({ '0.weight': values(40), '0.bias': values(4), '1.running_var': values(4) }, { '0.weight': values(40), '0.bias': values(4), '1.running_var': values(4) });
  const chain = parseFilterChain([
    { name: 'exclude-layers', options: { patterns: ['*.bias', '1.*'] } },
    { name: 'norm-clip', options: { maxNorm: 2 } },
    { name: 'percentile', options: { percentile: 20 } },
    { name: 'top-k', options: { fraction: 0.5 } },
    { name: 'quantize-8bit', options: { rounding: 'stochastic', seed: 1 } },
  ]);
  const { update: out, records } = applyFilters(chain, full, { round: 1 });
  const sent = plainOf(out.weights);
  const global = plainOf(full.global);
  assert.deepEqual(sent['0.bias'], global['0.bias']);
  assert.deepEqual(sent['1.running_var'], global['1.running_var']);
  assert.notDeepEqual(sent['0.weight'], global['0.weight']);
  assert.deepEqual(records.map((r) => r.filter), ['exclude-layers', 'norm-clip', 'percentile', 'top-k', 'quantize-8bit']);
  assert.deepEqual(plainOf(full.weights)['0.bias'], sentDelta(full.weights, full.global)['0.bias'].map((d, i) => Math.fround(global['0.bias'][i] + d)), 'input untouched');
});

test('an empty chain returns the update as it was', () => {
  const { update: out, records } = applyFilters([], update);
  assert.equal(out.weights, update.weights);
  assert.deepEqual(records, []);
});

test('chain specs are validated: unknown names, bad options and bad shapes name the entry', () => {
  assert.deepEqual(filterNames(), ['exclude-layers', 'norm-clip', 'percentile', 'quantize-8bit', 'top-k']);
  const fails = (specs: unknown, code: string, text: string) =>
    assert.throws(() => parseFilterChain(specs, 'site.filters'), (e: unknown) => e instanceof MedfedError && e.code === code && `${e.message} ${e.where}`.includes(text));
  fails([{ name: 'top-k', options: { fraction: 0.1 } }, { name: 'dp-noise' }], ErrorCodes.UNKNOWN_NAME, 'site.filters[1].name');
  fails([{ name: 'top-k', options: { fraction: 1.5 } }], ErrorCodes.CONFIG_INVALID, 'site.filters[0].options.fraction: expected number <= 1');
  fails([{ name: 'percentile', options: { percentile: 100 } }], ErrorCodes.CONFIG_INVALID, 'site.filters[0].options.percentile: expected number < 100');
  fails([{ name: 'quantize-8bit', options: { rounding: 'up' } }], ErrorCodes.CONFIG_INVALID, 'expected one of "nearest", "stochastic"');
  fails([{ name: 'norm-clip', options: { maxNorm: 1, extra: 2 } }], ErrorCodes.CONFIG_INVALID, 'site.filters[0].options');
  fails({ name: 'norm-clip' }, ErrorCodes.CONFIG_INVALID, 'invalid filter chain');
});
