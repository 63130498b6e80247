import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jobHash, jobTrainingConfig, parseJobSpec } from '../../src/core/job-spec.js';
import type { FitRequest } from '../../src/core/messages.js';
import { fileLedgerStorage } from '../../src/node/ledger-file.js';
import { epsilonSpent } from '../../src/privacy/dp/accounting.js';
import { PrivacyLedger } from '../../src/privacy/ledger/ledger.js';
import { SitePrivacyGate } from '../../src/site/agent/privacy-gate.js';
import type { AdmittedJob } from '../../src/site/site-jobs.js';
import { auditSink, fitReply, heartJobYaml } from './helpers.js';

// The job: 2 rounds x 1 epoch, batch 32 (the job-spec defaults); at a site with n = 100 training
// rows q = 0.32 and one round is ceil(1 / 0.32) = 4 Poisson steps; sigma 2, delta 1e-5.
const n = 100;
const dp = { clipNorm: 1, noiseMultiplier: 2, delta: 1e-5 };
const epsAfterSteps = (steps: number) => epsilonSpent({ q: 32 / n, noiseMultiplier: 2, steps }, 1e-5);
const planned = epsAfterSteps(8); // 2 rounds x 4 steps (about 2.61)

function admitted(jobId: string, extra: Record<string, unknown> = { privacy: { dpSgd: dp } }): AdmittedJob {
  const specYaml = heartJobYaml(extra);
  return { jobId, spec: parseJobSpec(specYaml), specYaml, jobHash: jobHash(specYaml, '0.0.0-test') };
}

function ledgerPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'medfed-ledger-')), 'privacy-ledger.json');
}

async function rejects(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  assert.fail('expected a rejection');
}

function fitRequest(jobId: string, training: FitRequest['training'], round = 1): FitRequest {
  return { kind: 'fit', jobId, round, strategy: 'fedavg', strategyOptions: {}, weights: new Uint8Array(), directive: { config: {}, extra: {} }, training, seed: 1 };
}

test('the job spec privacy block reaches the fit requests (plannedRounds = federation.rounds); a strategy privacy {} turns it off', () => {
  assert.deepEqual(jobTrainingConfig(admitted('j').spec).dpSgd, { clipNorm: 1, noiseMultiplier: 2, delta: 1e-5, plannedRounds: 2 });
  const off = admitted('j', { privacy: { dpSgd: dp }, strategy: { name: 'fedavg', options: {}, privacy: {} } });
  assert.equal(jobTrainingConfig(off.spec).dpSgd, undefined);
  assert.equal('privacy' in parseJobSpec(heartJobYaml()), false, 'a spec without privacy parses without the key, so its job hash is unchanged');
});

test('a DP job whose planned epsilon exceeds the budget is refused before any release, with a job_refused entry', async () => {
  const path = ledgerPath();
  const { events, audit } = auditSink();
  const gate = new SitePrivacyGate('site-a', fileLedgerStorage(path), audit);
  const e = await rejects(gate.admit(admitted('too-big'), { epsilon: 2.5, delta: 1e-3 }, n));
  assert.equal(e.code, 'MEDFED_ERR_PRIVACY_BUDGET_EXCEEDED');
  assert.match(e.message, new RegExp(`plans to spend epsilon ${planned.toFixed(4)}`));
  assert.deepEqual(events.map((x) => [x.kind, 'by' in x ? x.by : '']), [['job_refused', 'privacy-ledger']]);
  assert.match((events[0] as { reason: string }).reason, /budget of epsilon 2.5/);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).spent, []);
  // A fit for the refused job is not gated (the runtime refuses it: the job was never prepared) and spends nothing.
  assert.equal(await gate.spend('too-big', fitReply({ w: [1] }, n, 1), { epsilon: 2.5, delta: 1e-3 }), undefined);

  const ok = await gate.admit(admitted('fits'), { epsilon: 2.7, delta: 1e-3 }, n);
  assert.ok(ok && Math.abs(ok.epsilon - planned) < 1e-9 * planned);
});

test('each released DP round is recorded and audited, and the spend survives a restart (the ledger file is reopened)', async () => {
  const path = ledgerPath();
  const budget = { epsilon: 5, delta: 1e-3 };
  const { events, audit } = auditSink();
  const gate = new SitePrivacyGate('site-a', fileLedgerStorage(path), audit);
  await gate.admit(admitted('job-a'), budget, n);
  const r1 = await gate.spend('job-a', fitReply({ w: [1] }, n, 1), budget);
  const r2 = await gate.spend('job-a', fitReply({ w: [2] }, n, 2), budget);
  assert.ok(r1 && r2);
  assert.ok(Math.abs(r1.epsilon - epsAfterSteps(4)) < 1e-9);
  assert.ok(Math.abs(r2.epsilon - (epsAfterSteps(8) - epsAfterSteps(4))) < 1e-9);
  const spent = events.filter((x) => x.kind === 'privacy_budget_spent');
  assert.deepEqual(spent.map((x) => x.jobId), ['job-a', 'job-a']);
  assert.deepEqual(spent.map((x) => x.delta), [1e-5, 1e-5]);
  assert.equal(spent[0].epsilon, r1.epsilon);
  assert.equal(spent[1].epsilon, r2.epsilon);

  // Restart: a new gate over the same file. The persisted spend (about 2.61) leaves about 2.39,
  // so a second job with the same plan is refused, while a fresh ledger would admit it.
  const reopened = await PrivacyLedger.open(fileLedgerStorage(path));
  assert.deepEqual(reopened.entries.map((x) => [x.jobId, x.round, x.mechanism]), [['job-a', 1, 'dp-sgd'], ['job-a', 2, 'dp-sgd']]);
  assert.ok(Math.abs(reopened.spent().epsilon - planned) < 1e-9);
  const after = auditSink();
  const restarted = new SitePrivacyGate('site-a', fileLedgerStorage(path), after.audit);
  assert.equal((await rejects(restarted.admit(admitted('job-b'), budget, n))).code, 'MEDFED_ERR_PRIVACY_BUDGET_EXCEEDED');
  assert.equal(after.events[0].kind, 'job_refused');
  const fresh = new SitePrivacyGate('site-a', fileLedgerStorage(ledgerPath()), () => undefined);
  assert.ok(await fresh.admit(admitted('job-b'), budget, n));
});

test('a round re-trained beyond the plan is withheld when it would exceed the budget', async () => {
  const path = ledgerPath();
  const budget = { epsilon: 3, delta: 1e-3 };
  const { events, audit } = auditSink();
  const gate = new SitePrivacyGate('site-a', fileLedgerStorage(path), audit);
  await gate.admit(admitted('job-a'), budget, n);
  await gate.spend('job-a', fitReply({ w: [1] }, n, 1), budget);
  await gate.spend('job-a', fitReply({ w: [1] }, n, 2), budget);
  // A third release (a re-sent round) would bring the job to epsilon(12 steps), about 3.1 > 3.
  assert.ok(epsAfterSteps(12) > 3);
  const e = await rejects(gate.spend('job-a', fitReply({ w: [1] }, n, 2), budget));
  assert.equal(e.code, 'MEDFED_ERR_PRIVACY_BUDGET_EXCEEDED');
  assert.equal(events.filter((x) => x.kind === 'privacy_budget_spent').length, 2);
  assert.equal((await PrivacyLedger.open(fileLedgerStorage(path))).entries.length, 2);
});

test('running DP jobs hold their planned spend: two jobs that fit alone but not together', async () => {
  const budget = { epsilon: 4, delta: 1e-3 };
  const gate = new SitePrivacyGate('site-a', fileLedgerStorage(ledgerPath()), () => undefined);
  await gate.admit(admitted('first'), budget, n);
  const e = await rejects(gate.admit(admitted('second'), budget, n));
  assert.match(e.message, new RegExp(`running DP jobs hold epsilon ${planned.toFixed(4)}`));
  gate.end('first'); // ended without spending: its plan no longer holds budget
  assert.ok(await gate.admit(admitted('second'), budget, n));
});

test('a fit request must carry exactly the admitted DP-SGD and training', async () => {
  const gate = new SitePrivacyGate('site-a', fileLedgerStorage(ledgerPath()), () => undefined);
  await gate.admit(admitted('job-a'), { epsilon: 10, delta: 1e-3 }, n);
  const training = { epochs: 1, batchSize: 32, optimizer: { name: 'sgd' as const, lr: 0.05 } };
  const dpSgd = { clipNorm: 1, noiseMultiplier: 2, delta: 1e-5, plannedRounds: 2 };
  gate.checkFit(fitRequest('job-a', { ...training, dpSgd }));
  for (const bad of [training, { ...training, dpSgd: { ...dpSgd, noiseMultiplier: 0.5 } }, { ...training, epochs: 3, dpSgd }]) {
    assert.throws(() => gate.checkFit(fitRequest('job-a', bad)), (err: { code: string }) => err.code === 'MEDFED_ERR_JOB_REFUSED');
  }
  // A job without DP spends nothing and its requests are not gated.
  await gate.admit(admitted('plain', {}), { epsilon: 10, delta: 1e-3 }, n);
  gate.checkFit(fitRequest('plain', training));
  assert.equal(await gate.spend('plain', fitReply({ w: [1] }, n, 1), { epsilon: 10, delta: 1e-3 }), undefined);
});

test('the ledger file is written atomically and a missing file is a new ledger', async () => {
  const path = ledgerPath();
  assert.equal(await fileLedgerStorage(path).load(), null);
  await PrivacyLedger.open(fileLedgerStorage(path), { epsilon: 8, delta: 1e-5 });
  assert.ok(existsSync(path));
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { version: 1, budget: { epsilon: 8, delta: 1e-5 }, spent: [] });
});
