import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { createFilter } from '../../../src/privacy/filters/registry.js';
import { globToRegExp } from '../../../src/privacy/filters/exclude-layers.js';
import { plainOf, updateWithDelta } from './fixtures.js';

const update = updateWithDelta(
  { '0.weight': [1, 2, 3], '0.bias': [0.5], '1.running_mean': [0, 0], '1.running_var': [1, 1] },
  { '0.weight': [0.25, -0.5, 1], '0.bias': [2], '1.running_mean': [0.125, -0.25], '1.running_var': [0.5, 0.75] },
);

test('exclude-layers sends the matching tensors back with the global values, the others exactly as trained', () => {
  const { weights, record } = createFilter('exclude-layers', { patterns: ['1.running_*', '0.bias'] }).apply(update, {});
  assert.deepEqual(plainOf(weights), { '0.weight': [1.25, 1.5, 4], '0.bias': [0.5], '1.running_mean': [0, 0], '1.running_var': [1, 1] });
  assert.deepEqual(record, {
    filter: 'exclude-layers',
    options: { patterns: ['1.running_*', '0.bias'] },
    effect: { excludedTensors: 3, excludedValues: 5, excludedFraction: 5 / 8 },
  });
  assert.deepEqual(plainOf(update.weights)['0.bias'], [2.5], 'input untouched');
});

test('glob patterns: * any run (dots included), ? one character, everything else literal', () => {
  assert.ok(globToRegExp('*.bias').test('12.bias'));
  assert.ok(globToRegExp('1?.weight').test('12.weight'));
  assert.ok(!globToRegExp('1?.weight').test('1.weight'));
  assert.ok(!globToRegExp('0.weight').test('0xweight'), '. is literal');
  assert.ok(globToRegExp('*').test('a.b.c'));
  assert.ok(!globToRegExp('0.bias').test('10.bias'), 'whole-name match');
});

test('a pattern matching no tensor is CONFIG_INVALID listing the tensors', () => {
  assert.throws(
    () => createFilter('exclude-layers', { patterns: ['0.*', '7.*'] }).apply(update, {}),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && e.message.includes('"7.*" matches no tensor') && e.message.includes('0.weight, 0.bias'),
  );
  assert.throws(() => createFilter('exclude-layers', { patterns: [] }), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID);
});
