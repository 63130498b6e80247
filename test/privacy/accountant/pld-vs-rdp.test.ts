// Properties over a grid of (q, σ, steps, δ): the PLD accountant (tight up to discretisation)
// never reports more than the RDP bound, and ε behaves monotonically in steps and noise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrivacyAccountant, rdpEpsilon } from '../../../src/privacy/accountant/index.js';

const QS = [0.001, 0.01, 0.1, 1];
const SIGMAS = [0.6, 1, 2, 5];
const STEPS = [1, 10, 100, 1000];
const DELTAS = [1e-5, 1e-8];

/** ε[q][σ][steps][δ] by PLD, computed once for the grid (one composition per (q, σ, steps)). */
const pldGrid = new Map<string, number>();
function pldAt(q: number, sigma: number, steps: number, delta: number): number {
  const key = `${q}/${sigma}/${steps}`;
  if (!pldGrid.has(`${key}/${DELTAS[0]}`)) {
    const acc = new PrivacyAccountant({ kind: 'pld' }).step(q, sigma, steps);
    for (const d of DELTAS) pldGrid.set(`${key}/${d}`, acc.epsilon(d));
  }
  return pldGrid.get(`${key}/${delta}`) as number;
}

test('PLD ε never exceeds the RDP ε bound on the (q, σ, steps, δ) grid', () => {
  for (const q of QS) for (const sigma of SIGMAS) for (const steps of STEPS) for (const delta of DELTAS) {
    const pld = pldAt(q, sigma, steps, delta);
    const rdp = rdpEpsilon({ q, sigma, steps, delta });
    assert.ok(Number.isFinite(pld) && pld > 0, `q=${q} σ=${sigma} steps=${steps} δ=${delta}: PLD ε ${pld}`);
    assert.ok(pld <= rdp * (1 + 1e-3), `q=${q} σ=${sigma} steps=${steps} δ=${delta}: PLD ε ${pld} > RDP ε ${rdp}`);
  }
});

test('more steps spend more ε, more noise spends less (PLD and RDP)', () => {
  for (const q of QS) for (const delta of DELTAS) {
    for (const sigma of SIGMAS) {
      for (let i = 1; i < STEPS.length; i++) {
        assert.ok(pldAt(q, sigma, STEPS[i], delta) > pldAt(q, sigma, STEPS[i - 1], delta), `PLD steps q=${q} σ=${sigma}`);
        assert.ok(rdpEpsilon({ q, sigma, steps: STEPS[i], delta }) > rdpEpsilon({ q, sigma, steps: STEPS[i - 1], delta }), `RDP steps q=${q} σ=${sigma}`);
      }
    }
    for (const steps of STEPS) {
      for (let i = 1; i < SIGMAS.length; i++) {
        assert.ok(pldAt(q, SIGMAS[i], steps, delta) < pldAt(q, SIGMAS[i - 1], steps, delta), `PLD noise q=${q} steps=${steps}`);
        assert.ok(rdpEpsilon({ q, sigma: SIGMAS[i], steps, delta }) < rdpEpsilon({ q, sigma: SIGMAS[i - 1], steps, delta }), `RDP noise q=${q} steps=${steps}`);
      }
    }
  }
});

test('a smaller δ costs more ε, and a larger sampling rate costs more ε', () => {
  for (const sigma of SIGMAS) for (const steps of STEPS) {
    for (const q of QS) assert.ok(pldAt(q, sigma, steps, 1e-8) > pldAt(q, sigma, steps, 1e-5));
    for (let i = 1; i < QS.length; i++) assert.ok(pldAt(QS[i], sigma, steps, 1e-5) > pldAt(QS[i - 1], sigma, steps, 1e-5));
  }
});
