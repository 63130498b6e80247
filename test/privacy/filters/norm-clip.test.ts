import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { createFilter } from '../../../src/privacy/filters/registry.js';
import { sentDelta, updateWithDelta, plainOf } from './fixtures.js';

test('norm-clip scales the whole delta (all tensors) down to maxNorm', () => {
  // delta (3, 4 | 12): norm 13; maxNorm 6.5 → scale 0.5 → (1.5, 2 | 6)
  const update = updateWithDelta({ a: [1, 1], b: [-1] }, { a: [3, 4], b: [12] });
  const { weights, record } = createFilter('norm-clip', { maxNorm: 6.5 }).apply(update, {});
  assert.deepEqual(sentDelta(weights, update.global), { a: [1.5, 2], b: [6] });
  assert.deepEqual(record, { filter: 'norm-clip', options: { maxNorm: 6.5 }, effect: { normBefore: 13, normAfter: 6.5, scale: 0.5, clipped: 1 } });
});

test('norm-clip leaves a delta within the bound exactly as trained', () => {
  const update = updateWithDelta({ a: [0.1, 0.7] }, { a: [0.3, -0.4] });
  const { weights, record } = createFilter('norm-clip', { maxNorm: 1 }).apply(update, {});
  assert.deepEqual(plainOf(weights), plainOf(update.weights));
  assert.equal(record.effect.clipped, 0);
  assert.equal(record.effect.scale, 1);
});

test('norm-clip options and inputs are checked', () => {
  assert.throws(() => createFilter('norm-clip', { maxNorm: 0 }, 'filters[2]'), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && e.message.includes('filters[2].options.maxNorm: expected number > 0'));
  assert.throws(() => createFilter('norm-clip', {}), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && e.message.includes('maxNorm'));
  const update = updateWithDelta({ a: [0, 0] }, { a: [1, 1] });
  const bad = { ...update, weights: new Map([['a', { shape: [3], data: new Float32Array(3) }]]) };
  assert.throws(() => createFilter('norm-clip', { maxNorm: 1 }).apply(bad, {}), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.SHAPE_MISMATCH);
  const nan = { ...update, weights: new Map([['a', { shape: [2], data: Float32Array.from([1, Number.NaN]) }]]) };
  assert.throws(() => createFilter('norm-clip', { maxNorm: 1 }).apply(nan, {}), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.NUMERIC_DIVERGENCE && e.message.includes('index 1'));
});
