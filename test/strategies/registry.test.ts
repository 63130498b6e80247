import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { getStrategy, listStrategies, parseStrategyOptions, registerStrategy, strategyNames } from '../../src/strategies/registry.js';
import { fedavg } from '../../src/strategies/fedavg.js';

function configError(fn: () => unknown): MedfedError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MedfedError);
    return e;
  }
  assert.fail('expected an error');
}

test('the built-in strategies are registered by name with descriptions', () => {
  assert.deepEqual(strategyNames(), ['dp-fedavg', 'fedadagrad', 'fedadam', 'fedavg', 'fedbn', 'fedper', 'fedprox', 'fedyogi', 'krum', 'local-only', 'median', 'multi-krum', 'norm-bound', 'scaffold', 'trimmed-mean']);
  assert.deepEqual(listStrategies().map((p) => p.name), strategyNames());
  for (const p of listStrategies()) assert.ok(p.description.length > 20, p.name);
  assert.equal(getStrategy('fedavg'), fedavg);
});

test('an unknown strategy name is UNKNOWN_NAME listing the registered names', () => {
  const e = configError(() => getStrategy('fedsgd', 'strategies[0].name'));
  assert.equal(e.code, ErrorCodes.UNKNOWN_NAME);
  assert.equal(e.where, 'strategies[0].name');
  assert.match(e.message, /"fedsgd".*fedadagrad, fedadam, fedavg, fedbn, fedper, fedprox, fedyogi, krum, local-only, median, multi-krum, norm-bound, scaffold, trimmed-mean/);
  const viaOptions = configError(() => parseStrategyOptions('fedsgd', {}, 'strategies[2].options'));
  assert.equal(viaOptions.code, ErrorCodes.UNKNOWN_NAME);
  assert.equal(viaOptions.where, 'strategies[2].name');
});

test('options get their defaults', () => {
  assert.deepEqual(parseStrategyOptions('fedprox', undefined, 'x'), { mu: 0.01 });
  assert.deepEqual(parseStrategyOptions('fedprox', { mu: 0 }, 'x'), { mu: 0 });
  assert.deepEqual(parseStrategyOptions('scaffold', {}, 'x'), { globalLr: 1, weighting: 'examples' });
  assert.deepEqual(parseStrategyOptions('fedavg', undefined, 'x'), {});
  assert.deepEqual(parseStrategyOptions('fedbn', {}, 'x'), {});
});

test('an invalid option value is CONFIG_INVALID naming its path and the expected range', () => {
  const e = configError(() => parseStrategyOptions('fedprox', { mu: -0.5 }, 'strategies[1].options'));
  assert.equal(e.code, ErrorCodes.CONFIG_INVALID);
  assert.equal(e.where, 'strategies[1].options.mu');
  assert.ok(e.message.includes('strategies[1].options.mu: expected number >= 0'), e.message);
  const cases: [string, unknown, string][] = [
    ['fedadam', { eta: 0 }, 'strategies[1].options.eta: expected number > 0'],
    ['fedyogi', { beta2: 1 }, 'strategies[1].options.beta2: expected number < 1'],
    ['fedadagrad', { tau: 'small' }, 'strategies[1].options.tau: expected a finite number, got "small"'],
    ['fedadam', { beta1: Number.POSITIVE_INFINITY }, 'strategies[1].options.beta1: expected a finite number'],
    ['scaffold', { weighting: 'sites' }, 'strategies[1].options.weighting: expected one of "examples", "uniform", got "sites"'],
    ['fedprox', 3, 'strategies[1].options: '],
  ];
  for (const [name, options, text] of cases) {
    const err = configError(() => parseStrategyOptions(name, options, 'strategies[1].options'));
    assert.equal(err.code, ErrorCodes.CONFIG_INVALID);
    assert.ok(err.message.includes(text), `${err.message} should include ${text}`);
  }
});

test('an unknown option key is CONFIG_INVALID naming the key and the known options', () => {
  const e = configError(() => parseStrategyOptions('fedprox', { mu: 0.1, lr: 0.1 }, 'strategies[1].options'));
  assert.equal(e.code, ErrorCodes.CONFIG_INVALID);
  assert.equal(e.where, 'strategies[1].options.lr');
  assert.ok(e.message.includes('strategies[1].options.lr: unknown option (known options: mu)'), e.message);
  const none = configError(() => parseStrategyOptions('fedavg', { mu: 0.1 }, 'strategies[0].options'));
  assert.ok(none.message.includes('strategies[0].options.mu: unknown option (this strategy takes no options)'), none.message);
});

test('plug-ins register under a unique name', () => {
  const schema = z.strictObject({});
  registerStrategy({ ...fedavg, name: 'test-only-avg', schema });
  assert.equal(getStrategy('test-only-avg').name, 'test-only-avg');
  assert.throws(() => registerStrategy({ ...fedavg, schema }), (e: Error & { code?: string }) => e.code === ErrorCodes.CONFIG_INVALID && e.message.includes('"fedavg"'));
});
