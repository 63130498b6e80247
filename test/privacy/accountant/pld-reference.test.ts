// PLD reference cases ported from Google's dp_accounting
// (google/differential-privacy, python/dp_accounting/dp_accounting/pld/pld_privacy_accountant_test.py),
// and exact values of the Gaussian mechanism (Balle & Wang 2018, analytic Gaussian mechanism).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pldDelta, pldEpsilon, PrivacyAccountant } from '../../../src/privacy/accountant/index.js';
import { normalCdf } from '../../../src/privacy/accountant/log-math.js';

function assertRel(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: got ${actual}, expected ${expected} within ${rel * 100}%`);
}

/** Exact δ(ε) of the Gaussian mechanism with sensitivity 1 and noise σ (Balle & Wang 2018, Thm. 8). */
function analyticGaussianDelta(sigma: number, eps: number): number {
  return normalCdf(-eps * sigma + 1 / (2 * sigma)) - Math.exp(eps) * normalCdf(-eps * sigma - 1 / (2 * sigma));
}

/** Exact ε(δ) of the Gaussian mechanism, by bisection on the decreasing δ(ε). */
function analyticGaussianEpsilon(sigma: number, delta: number): number {
  let lo = 0;
  let hi = 1;
  while (analyticGaussianDelta(sigma, hi) > delta) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (analyticGaussianDelta(sigma, mid) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

test('dp_accounting test_gaussian_basic: three Gaussians with σ = √3, δ(1) = 0.126936', () => {
  const acc = new PrivacyAccountant({ kind: 'pld' }).step(1, Math.sqrt(3), 1).step(1, Math.sqrt(3), 2);
  assertRel(acc.delta(1), 0.126936, 0.01, 'delta');
  assertRel(acc.epsilon(0.126936), 1, 0.01, 'epsilon');
  // Upper bound of the exact value (composition of 3 at σ = √3 is one Gaussian at σ = 1).
  assert.ok(acc.delta(1) >= analyticGaussianDelta(1, 1));
});

test('dp_accounting test_poisson_subsampled_gaussian / test_self_composed_subsampled_gaussian: q = 0.2, σ = 0.5, 3 steps, δ(1) = 0.15594', () => {
  const acc = new PrivacyAccountant({ kind: 'pld' }).step(0.2, 0.5, 1).step(0.2, 0.5, 2);
  assertRel(acc.delta(1), 0.15594, 0.01, 'delta');
  assertRel(acc.epsilon(0.15594), 1, 0.01, 'epsilon');
  assertRel(pldDelta({ q: 0.2, sigma: 0.5, steps: 3, epsilon: 1 }), 0.15594, 0.01, 'pure function');
});

test('dp_accounting test_poisson_subsampling_with_zero_probability: q = 0 gives δ(0) = 0 and ε(0+) = 0', () => {
  const acc = new PrivacyAccountant({ kind: 'pld' }).step(0, 1, 5);
  assert.equal(acc.delta(0), 0);
  assert.equal(acc.epsilon(1e-10), 0);
});

test('q = 1, one step: PLD ε is the analytic Gaussian ε, from above, within the discretisation', () => {
  for (const sigma of [0.6, 1, 2, 5]) {
    for (const delta of [1e-5, 1e-8]) {
      const exact = analyticGaussianEpsilon(sigma, delta);
      const pld = pldEpsilon({ q: 1, sigma, steps: 1, delta });
      assert.ok(pld >= exact - 1e-9, `σ=${sigma} δ=${delta}: PLD ${pld} < exact ${exact}`);
      assert.ok(pld <= exact + 1e-3, `σ=${sigma} δ=${delta}: PLD ${pld} vs exact ${exact}`);
    }
  }
});

test('q = 1, 100 steps: PLD ε is the analytic ε of one Gaussian at σ/10, from above, within 0.5%', () => {
  for (const sigma of [2, 5]) {
    const exact = analyticGaussianEpsilon(sigma / 10, 1e-5);
    const pld = pldEpsilon({ q: 1, sigma, steps: 100, delta: 1e-5 });
    assert.ok(pld >= exact - 1e-9 && pld <= exact * 1.005, `σ=${sigma}: PLD ${pld} vs exact ${exact}`);
  }
});

test('subsampled Gaussian, one step: PLD δ(ε) matches direct numerical integration of the hockey-stick divergence', () => {
  // δ(ε) = max over add/remove of ∫ (p(x) - e^ε q(x))_+ dx, integrated on a fine grid.
  const q = 0.1;
  const sigma = 1;
  const eps = 0.5;
  const phi = (x: number, m: number) => Math.exp(-((x - m) ** 2) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
  let remove = 0;
  let add = 0;
  const h = 1e-4;
  for (let x = -12; x <= 13; x += h) {
    const mix = (1 - q) * phi(x, 0) + q * phi(x, 1);
    remove += Math.max(0, mix - Math.exp(eps) * phi(x, 0)) * h;
    add += Math.max(0, phi(x, 0) - Math.exp(eps) * mix) * h;
  }
  const exact = Math.max(remove, add);
  const pld = pldDelta({ q, sigma, steps: 1, epsilon: eps });
  assert.ok(pld >= exact * (1 - 1e-6) && pld <= exact * 1.01, `PLD ${pld} vs integral ${exact}`);
});
