import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedfedError } from '../../../src/core/errors.js';
import { studySpecSchema } from '../../../src/core/study-spec.js';
import { rdpEpsilon } from '../../../src/privacy/accountant/rdp.js';
import { noiseMultiplierForEpsilon } from '../../../src/privacy/dp/accounting.js';
import { dpSgdPlan } from '../../../src/privacy/dp/dp-sgd-plan.js';
import { dpSgdRoundEpsilon, plannedDpSgdJob } from '../../../src/privacy/dp/job-planning.js';
import { dpSgdConfigFor, runPrivacy } from '../../../src/privacy/dp/run-privacy.js';
import { gaussianSource, secureUniform } from '../../../src/privacy/dp/secure-random.js';
import { memoryLedgerStorage, PrivacyLedger } from '../../../src/privacy/ledger/index.js';

test('secure Gaussian source: mean 0, variance 1, and normal tail mass', () => {
  const normal = gaussianSource();
  const n = 200_000;
  let s = 0;
  let s2 = 0;
  let beyond2 = 0;
  for (let i = 0; i < n; i++) {
    const z = normal();
    s += z;
    s2 += z * z;
    if (Math.abs(z) > 2) beyond2++;
  }
  // Standard errors: mean 1/sqrt(n) = 0.0022, variance sqrt(2/n) = 0.0032, P(|z|>2) = 0.0455 (se 0.00047).
  assert.ok(Math.abs(s / n) < 0.012);
  assert.ok(Math.abs(s2 / n - 1) < 0.016);
  assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.0025);
  const u = secureUniform();
  const draws = Array.from({ length: 1000 }, u);
  assert.ok(draws.every((v) => v >= 0 && v < 1) && new Set(draws).size === 1000);
});

test('Poisson batch plan: q = B / n, ceil(1 / q) steps per epoch', () => {
  assert.deepEqual(dpSgdPlan({ n: 50, batchSize: 16, epochs: 2 }), { q: 0.32, expectedBatchSize: 16, stepsPerEpoch: 4, stepsPerRound: 8 });
  assert.deepEqual(dpSgdPlan({ n: 100, batchSize: 10, epochs: 1 }), { q: 0.1, expectedBatchSize: 10, stepsPerEpoch: 10, stepsPerRound: 10 });
});

test('calibration: the noise multiplier for a target epsilon is the smallest that reaches it (checked against the accountant)', () => {
  const p = { q: 0.32, steps: 240, targetEpsilon: 3, delta: 1e-5 };
  const sigma = noiseMultiplierForEpsilon(p);
  assert.ok(rdpEpsilon({ q: p.q, sigma, steps: p.steps, delta: p.delta }) <= 3);
  assert.ok(rdpEpsilon({ q: p.q, sigma: sigma / 1.002, steps: p.steps, delta: p.delta }) > 3);
});

test('per-round epsilons telescope to the job total, which the ledger checks before the first release', async () => {
  const config = { clipNorm: 1, noiseMultiplier: 1.1, delta: 1e-5, plannedRounds: 5 };
  const site = { n: 60, batchSize: 12, epochs: 1 };
  const plan = plannedDpSgdJob('job-1', config, site);
  assert.ok(Math.abs(plan.epsilon - rdpEpsilon({ q: 0.2, sigma: 1.1, steps: 25, delta: 1e-5 })) < 1e-12);
  const rounds = [0, 1, 2, 3, 4].map((r) => dpSgdRoundEpsilon(config, site, r));
  assert.ok(Math.abs(rounds.reduce((a, b) => a + b, 0) - plan.epsilon) < 1e-9);

  const storage = memoryLedgerStorage();
  const ledger = await PrivacyLedger.open(storage, { epsilon: plan.epsilon * 1.5, delta: 1e-4 });
  assert.equal(ledger.wouldExceed(plan), false);
  for (let r = 0; r < 5; r++) await ledger.record({ jobId: 'job-1', round: r + 1, epsilon: rounds[r], delta: 1e-5, mechanism: 'dp-sgd' });
  // Same job again is not double-counted; a second identical job would exceed 1.5x.
  assert.equal(ledger.wouldExceed(plan), false);
  const second = { ...plan, jobId: 'job-2' };
  assert.equal(ledger.wouldExceed(second), true);
  assert.throws(() => ledger.assertCanRun(second), (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_PRIVACY_BUDGET_EXCEEDED' && /job-2/.test(e.message));
  // The ledger persists: reopened from storage it holds the same spend.
  const reopened = await PrivacyLedger.open(memoryLedgerStorage(storage.text));
  assert.ok(Math.abs(reopened.spent().epsilon - plan.epsilon) < 1e-9);
  assert.equal(reopened.spent().delta, 1e-5);
  assert.equal(reopened.entries.length, 5);
  await assert.rejects(PrivacyLedger.open(memoryLedgerStorage('{"version":1}')), (e: unknown) => (e as MedfedError).code === 'MEDFED_ERR_FORMAT_INVALID');
});

test('study spec privacy block: a strategy overrides the study; a target epsilon is met at every site', () => {
  const base = {
    name: 's',
    data: { kind: 'csv', file: 'a.csv', schema: 's.yaml', partition: { by: 'iid', sites: 2 } },
    models: [{ name: 'm', layers: [{ type: 'dense', units: 2 }] }],
    privacy: { dpSgd: { clipNorm: 1, noiseMultiplier: 1 } },
    strategies: [{ name: 'fedavg' }, { name: 'fedavg', label: 'plain', privacy: {} }, { name: 'fedavg', label: 't', privacy: { dpSgd: { clipNorm: 0.5, targetEpsilon: 2, delta: 1e-6 } } }],
  };
  const spec = studySpecSchema.parse(base);
  assert.deepEqual(dpSgdConfigFor(spec.privacy, spec.strategies[0].privacy, 10), { clipNorm: 1, noiseMultiplier: 1, delta: 1e-5, plannedRounds: 10 });
  assert.equal(dpSgdConfigFor(spec.privacy, spec.strategies[1].privacy, 10), undefined);
  const t = dpSgdConfigFor(spec.privacy, spec.strategies[2].privacy, 10)!;
  const rp = runPrivacy(t, [{ siteId: 'b', n: 40, rounds: 10 }, { siteId: 'a', n: 200, rounds: 9 }], { batchSize: 20, epochs: 1 });
  assert.ok(rp.perSite.b.epsilon <= 2 && rp.perSite.b.epsilon > 1.99);
  assert.ok(rp.perSite.a.epsilon < 2);
  assert.equal(rp.epsilon, rp.perSite.b.epsilon);
  assert.ok(rp.perSite.b.noiseMultiplier > rp.perSite.a.noiseMultiplier, 'the smaller site samples more and needs more noise');
  assert.throws(() => studySpecSchema.parse({ ...base, privacy: { dpSgd: { clipNorm: 1 } } }));
});
