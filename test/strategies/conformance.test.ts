import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategyNames } from '../../src/strategies/registry.js';
import { strategyConformance, type Expectation } from './conformance.js';

// First server step of Adam/Yogi (m0 = 0, v0 = τ²) is at most η(1−β1)/√(1−β2) = 0.01·0.1/0.1;
// Adagrad's (√v ≥ |Δ|) at most η(1−β1) = 0.1·0.1. A new strategy must add its expectation here.
const expectations: Record<string, Expectation> = {
  fedavg: { kind: 'average' },
  fedprox: { kind: 'average' },
  scaffold: { kind: 'average' },
  fedbn: { kind: 'average', keepsNormalization: true },
  // The head (last layer) stays at each site: the server keeps its global values.
  fedper: { kind: 'average', keepsLastLayer: true },
  fedadam: { kind: 'server-optimizer', maxStep: 0.01 },
  fedyogi: { kind: 'server-optimizer', maxStep: 0.01 },
  fedadagrad: { kind: 'server-optimizer', maxStep: 0.01 },
  'local-only': { kind: 'no-aggregation' },
  median: { kind: 'average' },
  'trimmed-mean': { kind: 'average' },
  krum: { kind: 'average' },
  'multi-krum': { kind: 'average' },
  'norm-bound': { kind: 'average' },
  // Checked with its noise off (the noise is random by design; test/privacy/dp checks it).
  'dp-fedavg': { kind: 'average' },
};
const noiselessOptions: Record<string, unknown> = { 'dp-fedavg': { noiseMultiplier: 0, clipNorm: 1e6 } };

test('every registered strategy has a conformance expectation', () => {
  assert.deepEqual(strategyNames(), Object.keys(expectations).sort());
});

for (const name of strategyNames()) {
  if (expectations[name]) strategyConformance(name, noiselessOptions[name], expectations[name]);
}

// Non-default options.
strategyConformance('fedprox', { mu: 0.5 }, { kind: 'average' });
strategyConformance('scaffold', { weighting: 'uniform' }, { kind: 'average' });
strategyConformance('fedadam', { eta: 0.05, beta1: 0.5, beta2: 0.75 }, { kind: 'server-optimizer', maxStep: (0.05 * 0.5) / Math.sqrt(0.25) });
strategyConformance('fedyogi', { eta: 0.05, tau: 1e-2 }, { kind: 'server-optimizer', maxStep: (0.05 * 0.1) / Math.sqrt(0.01) });
