import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { noiseMultiplierFor, pldEpsilon, PrivacyAccountant, rdpEpsilon } from '../../../src/privacy/accountant/index.js';

function assertConfigError(fn: () => unknown, where: string): void {
  assert.throws(fn, (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && e.where === where && e.message.includes(where));
}

test('invalid inputs are CONFIG_INVALID errors naming the parameter', () => {
  assertConfigError(() => rdpEpsilon({ q: 1.5, sigma: 1, steps: 1, delta: 1e-5 }), 'q');
  assertConfigError(() => rdpEpsilon({ q: -0.1, sigma: 1, steps: 1, delta: 1e-5 }), 'q');
  assertConfigError(() => rdpEpsilon({ q: 0.1, sigma: 0, steps: 1, delta: 1e-5 }), 'sigma');
  assertConfigError(() => pldEpsilon({ q: 0.1, sigma: Number.NaN, steps: 1, delta: 1e-5 }), 'sigma');
  assertConfigError(() => rdpEpsilon({ q: 0.1, sigma: 1, steps: 2.5, delta: 1e-5 }), 'steps');
  assertConfigError(() => pldEpsilon({ q: 0.1, sigma: 1, steps: -1, delta: 1e-5 }), 'steps');
  assertConfigError(() => rdpEpsilon({ q: 0.1, sigma: 1, steps: 1, delta: 0 }), 'delta');
  assertConfigError(() => pldEpsilon({ q: 0.1, sigma: 1, steps: 1, delta: 1 }), 'delta');
  assertConfigError(() => rdpEpsilon({ q: 0.1, sigma: 1, steps: 1, delta: 1e-5, orders: [0.5, 2] }), 'orders');
  assertConfigError(() => pldEpsilon({ q: 0.1, sigma: 1, steps: 1, delta: 1e-5, discretization: 0 }), 'discretization');
  assertConfigError(() => new PrivacyAccountant().step(0.1, 1, 1.5), 'count');
  assertConfigError(() => new PrivacyAccountant().epsilon(2), 'delta');
  assertConfigError(() => noiseMultiplierFor({ targetEpsilon: -1, delta: 1e-5, q: 0.1, steps: 10, accountant: 'rdp' }), 'targetEpsilon');
  assertConfigError(() => PrivacyAccountant.fromJSON({ kind: 'rdp', history: [{ q: 0.1, sigma: -2, count: 1 }] }), 'history[0].sigma');
});

test('the accountant composes heterogeneous steps like the pure functions', () => {
  const rdpAcc = new PrivacyAccountant({ kind: 'rdp' });
  for (let i = 0; i < 30; i++) rdpAcc.step(0.01, 1.1);
  assert.equal(rdpAcc.epsilon(1e-5), rdpEpsilon({ q: 0.01, sigma: 1.1, steps: 30, delta: 1e-5 }));
  const pldAcc = new PrivacyAccountant({ kind: 'pld' }).step(0.01, 1.1, 30);
  assert.ok(Math.abs(pldAcc.epsilon(1e-5) - pldEpsilon({ q: 0.01, sigma: 1.1, steps: 30, delta: 1e-5 })) < 1e-12);
  assert.deepEqual(pldAcc.history, [{ q: 0.01, sigma: 1.1, count: 30 }]);
  // Two blocks with different noise: between the all-low-noise and all-high-noise runs.
  for (const kind of ['rdp', 'pld'] as const) {
    const mixed = new PrivacyAccountant({ kind }).step(0.05, 1, 20).step(0.05, 2, 20).epsilon(1e-6);
    const low = new PrivacyAccountant({ kind }).step(0.05, 1, 40).epsilon(1e-6);
    const high = new PrivacyAccountant({ kind }).step(0.05, 2, 40).epsilon(1e-6);
    assert.ok(high < mixed && mixed < low, `${kind}: ${high} < ${mixed} < ${low}`);
  }
});

test('epsilonIfStepped previews without spending; toJSON / fromJSON round-trips', () => {
  const acc = new PrivacyAccountant({ kind: 'rdp' }).step(0.02, 1.3, 50);
  const before = acc.epsilon(1e-5);
  const preview = acc.epsilonIfStepped(0.02, 1.3, 50, 1e-5);
  assert.equal(acc.epsilon(1e-5), before);
  assert.equal(preview, new PrivacyAccountant().step(0.02, 1.3, 100).epsilon(1e-5));
  const state = JSON.parse(JSON.stringify(acc));
  const again = PrivacyAccountant.fromJSON(state);
  assert.equal(again.kind, 'rdp');
  assert.equal(again.epsilon(1e-5), before);
});

test('δ(ε) and ε(δ) are inverse for both kinds', () => {
  for (const kind of ['rdp', 'pld'] as const) {
    const acc = new PrivacyAccountant({ kind }).step(0.05, 0.9, 200);
    const eps = acc.epsilon(1e-6);
    assert.ok(Math.abs(acc.delta(eps) - 1e-6) < 1e-8, `${kind}: δ(ε(1e-6)) = ${acc.delta(eps)}`);
  }
});

test('noiseMultiplierFor returns the smallest σ meeting the target, PLD needing less noise than RDP', () => {
  const query = { targetEpsilon: 2, delta: 1e-5, q: 0.05, steps: 30 };
  const rdpSigma = noiseMultiplierFor({ ...query, accountant: 'rdp' });
  const pldSigma = noiseMultiplierFor({ ...query, accountant: 'pld' });
  assert.ok(rdpEpsilon({ ...query, sigma: rdpSigma }) <= 2);
  assert.ok(rdpEpsilon({ ...query, sigma: rdpSigma * 0.999 }) > 2);
  assert.ok(pldEpsilon({ ...query, sigma: pldSigma }) <= 2);
  assert.ok(pldEpsilon({ ...query, sigma: pldSigma * 0.995 }) > 2);
  assert.ok(pldSigma < rdpSigma, `PLD σ ${pldSigma} < RDP σ ${rdpSigma}`);
  assert.equal(noiseMultiplierFor({ ...query, steps: 0, accountant: 'rdp' }), 0);
});
