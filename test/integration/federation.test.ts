import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Progress } from '../../src/cli/progress.js';
import { studySpecSchema } from '../../src/core/study-spec.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { runAuditVerify } from '../../src/cli/commands/audit.js';
import { readAuditPublicKeysFile } from '../../src/node/audit-keys.js';
import { TEMPLATE_MAX_NORM } from '../../src/pki/policy-template.js';
import { coordinatorPaths } from '../../src/node/coordinator-server.js';
import { runStudy } from '../../src/simulator/run-study.js';
import { adminCall } from '../../src/transport/grpc/admin-client.js';
import type { AdminRequest } from '../../src/transport/grpc/admin-protocol.js';
import { ENGINE, heartCsv, heartSchemaFile, jobSpecYaml, layers, ROUNDS, SEED, training } from '../coordinator/helpers.js';
import { auditEvents, makeFederation, type Federation } from './federation-fixture.js';
import { killAll, root, runMedfed, startMedfed, until, type Proc } from './processes.js';

/**
 * A coordinator and three site agents as separate OS processes on 127.0.0.1, mutual TLS with
 * kits from provisionProject, running heart jobs end to end. The tests run in order and share
 * the processes; the last one kills the coordinator.
 */
const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };
const SITES = ['site-1', 'site-2', 'site-3'];

let fed: Federation;
let port: number;
let coordinator: Proc;
const sites = new Map<string, Proc>();
let simulatorHash: Promise<string>;

const coordinatorLog = () => coordinatorPaths(fed.coordinatorData, 'coordinator').auditLog;
const siteLog = (site: string) => join(fed.work, site, 'audit.jsonl');
const researcher = () => fed.pki.kit('users/analyst@example.org');
const call = (req: AdminRequest) => adminCall(researcher(), `127.0.0.1:${port}`, req, 20_000);

interface Status { id: string; state: string; round: number; rounds: number; error: string | null; jobHash: string; lastFailed: Record<string, string> }
const status = async (jobId: string) => (await call({ op: 'status', jobId })) as Status;

function startCoordinator(p: number): Proc {
  return startMedfed([
    'coordinator', 'start', '--kit', fed.coordinatorKit, '--data-dir', fed.coordinatorData, '--host', '127.0.0.1', '--port', String(p),
    '--heartbeat-ms', '200', '--heartbeat-timeout-ms', '3000', '--wait-for-sites-ms', '20000',
  ]);
}

function startSite(site: string, kitDir = join(fed.pki.dir, 'sites', site)): Proc {
  const config = fed.siteConfig(site, kitDir, port);
  const p = startMedfed(['site', 'start', '--config', config]);
  sites.set(site, p);
  return p;
}

function specFile(name: string, o: Parameters<typeof jobSpecYaml>[0] = {}): string {
  const file = join(fed.work, `${name}.yaml`);
  writeFileSync(file, jobSpecYaml({ name, ...o }));
  return file;
}

/** Runs two job specs one after the other to completion, downloads both final models and returns their largest difference. */
async function finalWeightsDiff(a: Record<string, unknown>, b: Record<string, unknown>): Promise<number> {
  const { decodeSafetensors } = await import('../../src/core/safetensors.js');
  const weights: Float32Array[] = [];
  for (const spec of [a, b]) {
    const file = join(fed.work, `${String(spec.name)}.yaml`);
    writeFileSync(file, stringifyYaml(spec));
    const { jobId } = await submit(file);
    const s = await finished(jobId);
    assert.equal(s.state, 'completed', s.error ?? '');
    const out = join(fed.work, `download-${jobId}`);
    const dl = runMedfed(['job', 'download', jobId, '--out', out, '--kit', join(fed.pki.dir, 'users/analyst@example.org'), '--coordinator', `127.0.0.1:${port}`]);
    assert.equal(dl.status, 0, dl.stderr);
    const tensors = decodeSafetensors(new Uint8Array(readFileSync(join(out, 'final.safetensors'))), 'final').tensors;
    weights.push(Float32Array.from([...tensors.keys()].sort().flatMap((k) => [...tensors.get(k)!.data])));
  }
  let maxDiff = 0;
  weights[0].forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - weights[1][i]))));
  return maxDiff;
}

async function submit(file: string): Promise<{ jobId: string; jobHash: string }> {
  const r = runMedfed(['job', 'submit', file, '--kit', join(fed.pki.dir, 'users/analyst@example.org'), '--coordinator', `127.0.0.1:${port}`, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { jobId: string; jobHash: string };
}

const finished = (jobId: string, ms = 60_000) =>
  until(`job ${jobId} to finish`, ms, async () => {
    const s = await status(jobId);
    return ['completed', 'failed', 'aborted'].includes(s.state) ? s : undefined;
  });

before(async () => {
  fed = await makeFederation();
  simulatorHash = (async () => {
    const spec = studySpecSchema.parse({
      name: 'heart-sim', seed: SEED, engine: ENGINE, threads: 1,
      data: { kind: 'csv', file: heartCsv, schema: heartSchemaFile, partition: { by: 'iid', sites: 3 }, testFraction: 0.25, normalize: 'federated-zscore' },
      federation: { rounds: ROUNDS, fractionFit: 1, minSites: 2, k: 5 },
      training, models: [{ name: 'mlp', layers }], strategies: [{ name: 'fedavg' }], baselines: [],
    });
    return (await runStudy(spec, root, silent)).runs[0].finalWeightsSha256;
  })();
  coordinator = startCoordinator(0);
  port = Number((await coordinator.waitForLine(/MEDFED_COORDINATOR_PORT=(\d+)/, 30_000))[1]);
  for (const s of SITES) startSite(s);
  for (const s of SITES) await coordinator.waitForLine(new RegExp(`site ${s} connected`), 30_000);
});

after(() => killAll());

test('coordinator + 3 site processes over mTLS run the heart job to the simulator\'s final-weights hash', async () => {
  const { jobId } = await submit(specFile('heart-net'));
  const s = await finished(jobId);
  assert.equal(s.state, 'completed', s.error ?? '');
  assert.equal(s.round, ROUNDS);
  const out = join(fed.work, 'download');
  const dl = runMedfed(['job', 'download', jobId, '--out', out, '--kit', join(fed.pki.dir, 'users/analyst@example.org'), '--coordinator', `127.0.0.1:${port}`]);
  assert.equal(dl.status, 0, dl.stderr);
  const weightsHash = createHash('sha256').update(readFileSync(join(out, 'final.safetensors'))).digest('hex');
  assert.equal(weightsHash, await simulatorHash);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { runs: { finalWeightsSha256: string }[] };
  assert.equal(results.runs[0].finalWeightsSha256, weightsHash);
  // Each site admitted the job by its policy and audited every update it released.
  for (const site of SITES) {
    const events = auditEvents(siteLog(site)).filter((e) => e.jobId === jobId);
    assert.equal(events[0].kind, 'job_approved');
    assert.equal(events[0].by, 'policy:auto');
    const released = events.filter((e) => e.kind === 'update_released');
    assert.deepEqual(released.map((e) => e.round), [1, 2, 3, 4].slice(0, ROUNDS));
    // The default policy's mandatory norm-clip ran on every update and, being generous, never
    // clipped: the weights left bit-for-bit, which is why the hash equals the simulator's.
    for (const e of released) {
      assert.deepEqual(e.filters, ['min-sample-count', 'norm-clip']);
      const [clip] = e.applied as Array<{ filter: string; by: string; options: Record<string, unknown>; effect: Record<string, number> }>;
      assert.deepEqual([clip.filter, clip.by, clip.options], ['norm-clip', 'site', { maxNorm: TEMPLATE_MAX_NORM }]);
      assert.equal(clip.effect.clipped, 0);
      assert.ok(clip.effect.normBefore > 0 && clip.effect.normBefore < TEMPLATE_MAX_NORM, String(clip.effect.normBefore));
    }
  }
  // Both logs are intact signed chains.
  for (const [log, keys] of [[siteLog('site-1'), join(fed.work, 'site-1', 'keys', 'audit-keys.json')], [coordinatorLog(), join(fed.coordinatorData, 'audit', 'audit-keys.json')]]) {
    const report = verifyAuditLog(readFileSync(log, 'utf8'), readAuditPublicKeysFile(keys));
    assert.ok(report.ok, JSON.stringify(report));
  }
  const coord = auditEvents(coordinatorLog()).filter((e) => e.jobId === jobId).map((e) => e.kind);
  assert.equal(coord[0], 'job_submitted');
  assert.equal(coord.filter((k) => k === 'round_ended').length, ROUNDS);
  checkAnchoredSiteLogs(jobId);
});

/**
 * After each round the coordinator anchored every site's audit head (signed by the site,
 * checked with its certificate): the heads are the sites' update_released entries; each site
 * log verifies against the coordinator's anchors, and a copy cut before its last anchored
 * entry fails, naming the entries cut off.
 */
function checkAnchoredSiteLogs(jobId: string): void {
  const registry = join(fed.work, 'all-audit-keys.json');
  const keyFiles = [join(fed.coordinatorData, 'audit', 'audit-keys.json'), ...SITES.map((s) => join(fed.work, s, 'keys', 'audit-keys.json'))];
  writeFileSync(registry, JSON.stringify(Object.assign({}, ...keyFiles.map((f) => JSON.parse(readFileSync(f, 'utf8')) as object))));
  const anchored = auditEvents(coordinatorLog()).filter((e) => e.kind === 'head_anchored');
  for (const site of SITES) {
    const entries = readFileSync(siteLog(site), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { seq: number; event: { kind: string; jobId?: string } });
    const released = entries.filter((e) => e.event.kind === 'update_released' && e.event.jobId === jobId).map((e) => e.seq);
    const anchors = anchored.filter((e) => e.anchoredNode === site);
    assert.deepEqual(anchors.map((e) => e.seq), released, `${site}: one anchor per round, at its update_released entry`);
    assert.ok(anchors.every((e) => /^[0-9a-f]{128}$/.test(String(e.signature)) && /^[0-9a-f]{64}$/.test(String(e.certSha256))));
    const out: string[] = [];
    assert.equal(runAuditVerify(siteLog(site), { keys: registry, anchors: coordinatorLog() }, (t) => out.push(t)), 0, out.join(''));
    assert.match(out[0], new RegExp(`${ROUNDS} anchors checked, ${ROUNDS} matched`));
  }
  const lines = readFileSync(siteLog('site-1'), 'utf8').split('\n').filter(Boolean);
  const last = Number(anchored.filter((e) => e.anchoredNode === 'site-1').at(-1)!.seq);
  const cut = join(fed.work, 'site-1.cut.jsonl');
  writeFileSync(cut, lines.slice(0, last - 1).map((l) => `${l}\n`).join(''));
  const out: string[] = [];
  assert.equal(runAuditVerify(cut, { keys: registry, anchors: coordinatorLog() }, (t) => out.push(t)), 1);
  assert.match(out[0], new RegExp(`TAMPERED[\\s\\S]*anchor_mismatch: .* anchored seq ${last} of "site-1", but this log ends at seq ${last - 2}: entries seq ${last - 1}–${last} were cut off its end`));
}

test('a job\'s extra filters run at every site before the site\'s mandatory ones; each record is audited', async () => {
  const spec = parseYaml(jobSpecYaml({ name: 'heart-quantized', rounds: 2 })) as Record<string, unknown>;
  spec.filters = [{ name: 'quantize-8bit' }];
  const file = join(fed.work, 'heart-quantized.yaml');
  writeFileSync(file, stringifyYaml(spec));
  const { jobId } = await submit(file);
  const s = await finished(jobId);
  assert.equal(s.state, 'completed', s.error ?? '');
  for (const site of SITES) {
    const released = auditEvents(siteLog(site)).filter((e) => e.jobId === jobId && e.kind === 'update_released');
    assert.equal(released.length, 2);
    for (const e of released) {
      assert.deepEqual(e.filters, ['min-sample-count', 'quantize-8bit', 'norm-clip']);
      const applied = e.applied as Array<{ filter: string; by: string; effect: Record<string, number> }>;
      assert.deepEqual(applied.map((r) => [r.filter, r.by]), [['quantize-8bit', 'job'], ['norm-clip', 'site']]);
      assert.ok(applied[0].effect.bytesSaved > 0 && applied[0].effect.maxAbsError > 0, JSON.stringify(applied[0].effect));
    }
  }
});

test('a site kit cannot submit a job; the refusal is audited', () => {
  const r = runMedfed(['job', 'submit', specFile('by-site'), '--kit', join(fed.pki.dir, 'sites/site-1'), '--coordinator', `127.0.0.1:${port}`]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /MEDFED_ERR_NOT_AUTHORIZED.*a site certificate cannot submit jobs/);
  const refusals = auditEvents(coordinatorLog()).filter((e) => e.kind === 'connection_refused' && /cannot submit jobs/.test(String(e.reason)));
  assert.equal(refusals.length, 1);
  assert.match(String(refusals[0].peer), /^site-1 \(serial/);
});

test('site agents with a certificate from another CA, an expired or a revoked one are refused and audited', async () => {
  const impostors: Array<[string, string, RegExp]> = [
    ['foreign', fed.foreignKitDir, /^unknown-ca: /],
    ['expired', join(fed.pki.dir, 'sites/expired'), /^expired: /],
    ['revoked', join(fed.pki.dir, 'sites/revoked'), /^revoked: /],
  ];
  for (const [name, kit] of impostors) startSite(name === 'foreign' ? 'site-1-impostor' : name, kit);
  for (const [name, , reason] of impostors) {
    const subject = name === 'foreign' ? 'site-1' : name;
    await until(`a ${name} refusal in the coordinator audit log`, 20_000, () =>
      auditEvents(coordinatorLog()).find((e) => e.kind === 'connection_refused' && String(e.peer).includes(`CN=${subject}`) && reason.test(String(e.reason))),
    );
  }
  for (const name of ['site-1-impostor', 'expired', 'revoked']) await sites.get(name)!.kill9();
  const connected = (await call({ op: 'list' })) as unknown[];
  assert.ok(Array.isArray(connected));
});

test('a site whose policy does not approve the job never trains on it; approving the hash lets it run', async () => {
  fed.writePolicy('site-3', { approval: { mode: 'manual', approvedJobHashes: [] } });
  const spec = specFile('needs-approval');
  const first = await submit(spec);
  const s = await finished(first.jobId);
  // Federated statistics need every participant, so the job fails, naming the refusing site.
  assert.equal(s.state, 'failed');
  assert.match(s.error ?? '', /site-3 refuses job .*not approved/);
  const refused = auditEvents(siteLog('site-3')).filter((e) => e.jobId === first.jobId);
  assert.ok(refused.length > 0 && refused.every((e) => e.kind === 'job_refused'), JSON.stringify(refused));
  assert.equal(refused[0].jobHash, first.jobHash);

  const approve = runMedfed(['site', 'approve', first.jobHash, '--config', join(fed.work, 'site-3', 'site.yaml'), '--by', 'it-admin@site-3']);
  assert.equal(approve.status, 0, approve.stderr);
  const second = await submit(spec);
  assert.equal(second.jobHash, first.jobHash);
  const s2 = await finished(second.jobId);
  assert.equal(s2.state, 'completed', s2.error ?? '');
  const approved = auditEvents(siteLog('site-3')).filter((e) => e.jobId === second.jobId);
  assert.equal(approved[0].kind, 'job_approved');
  assert.equal(approved[0].by, 'it-admin@site-3');
  fed.writePolicy('site-3', { approval: { mode: 'auto', approvedJobHashes: [] } });
});

test('a DP job: each site checks its privacy budget before training and audits the epsilon of every update; an over-budget site refuses it', async () => {
  const dpSpec = (name: string) => {
    const spec = parseYaml(jobSpecYaml({ name, rounds: 2 })) as Record<string, unknown>;
    spec.privacy = { dpSgd: { clipNorm: 1, targetEpsilon: 1, delta: 1e-5 } };
    const file = join(fed.work, `${name}.yaml`);
    writeFileSync(file, stringifyYaml(spec));
    return file;
  };
  const first = await submit(dpSpec('heart-dp'));
  const s = await finished(first.jobId);
  assert.equal(s.state, 'completed', s.error ?? '');
  for (const site of SITES) {
    const events = auditEvents(siteLog(site)).filter((e) => e.jobId === first.jobId);
    const spent = events.filter((e) => e.kind === 'privacy_budget_spent');
    assert.equal(spent.length, 2, `${site}: one spend per released round`);
    const total = spent.reduce((a, e) => a + Number(e.epsilon), 0);
    assert.ok(total > 0.5 && total <= 1 + 1e-9, `${site}: the two rounds compose to the target epsilon 1, got ${total}`);
    const ledger = JSON.parse(readFileSync(join(fed.work, site, 'data', 'privacy-ledger.json'), 'utf8')) as { spent: { jobId: string }[] };
    assert.equal(ledger.spent.filter((e) => e.jobId === first.jobId).length, 2);
  }
  // site-3 lowers its budget below what it has already spent: the next DP job is refused there
  // before it trains, and (statistics need every participant) the job fails naming the reason.
  fed.writePolicy('site-3', { privacyBudget: { epsilon: 1.2, delta: 1e-3 } });
  const second = await submit(dpSpec('heart-dp-again'));
  const s2 = await finished(second.jobId);
  assert.equal(s2.state, 'failed');
  assert.match(s2.error ?? '', /PRIVACY_BUDGET_EXCEEDED|privacy budget|plans to spend epsilon/);
  const site3 = auditEvents(siteLog('site-3')).filter((e) => e.jobId === second.jobId);
  assert.ok(site3.some((e) => e.kind === 'job_refused' && e.by === 'privacy-ledger'), JSON.stringify(site3));
  assert.equal(site3.filter((e) => e.kind === 'update_released' || e.kind === 'privacy_budget_spent').length, 0);
  fed.writePolicy('site-3', { privacyBudget: { epsilon: 8, delta: 1e-5 } });
});

test('a SecAgg+ job over mTLS: every round is securely aggregated and the model matches the plain job within quantisation', async () => {
  const plainSpec = parseYaml(jobSpecYaml({ name: 'heart-plain-2', rounds: 2 })) as Record<string, unknown>;
  const secureSpec = parseYaml(jobSpecYaml({ name: 'heart-secure', rounds: 2 })) as Record<string, unknown>;
  (secureSpec.federation as Record<string, unknown>).secureAggregation = { clipRange: 1 };
  const maxDiff = await finalWeightsDiff(plainSpec, secureSpec);
  assert.ok(maxDiff < 1e-4, `secure vs plain final weights differ by ${maxDiff}`);
});

test('a CKKS job over mTLS: the sites encrypt, the coordinator sums and decrypts only with every site\'s partial; the model matches the plain job', async () => {
  const specs = ['heart-plain-ckks', 'heart-ckks'].map((name) => parseYaml(jobSpecYaml({ name, rounds: 2 })) as Record<string, unknown>);
  (specs[1].federation as Record<string, unknown>).homomorphicEncryption = { scheme: 'ckks' };
  const maxDiff = await finalWeightsDiff(specs[0], specs[1]);
  assert.ok(maxDiff > 0 && maxDiff < 1e-3, `CKKS vs plain final weights differ by ${maxDiff}`);
});

test('kill -9 of a site mid-job: rounds go on with the quorum and the site rejoins when restarted', async () => {
  // Enough rounds that the job is still running when the killed site is back; aborted once it rejoined.
  const { jobId } = await submit(specFile('site-crash', { rounds: 200, minSites: 2 }));
  await until('round 2 of the site-crash job', 60_000, async () => ((await status(jobId)).round >= 2 ? true : undefined));
  await sites.get('site-2')!.kill9();
  const killedAt = (await status(jobId)).round;
  // A round without site-2 completes with the remaining two.
  const degraded = await until('a round that site-2 missed', 30_000, async () => {
    const st = await status(jobId);
    return st.round > killedAt && st.lastFailed['site-2'] ? st : undefined;
  });
  assert.match(degraded.lastFailed['site-2'], /site-2/);
  const restarted = startSite('site-2');
  await restarted.waitForLine(/connected to 127\.0\.0\.1/, 30_000);
  const rejoinedIn = await until('site-2 to release an update again', 60_000, () =>
    auditEvents(siteLog('site-2')).find((e) => e.jobId === jobId && e.kind === 'update_released' && Number(e.round) > degraded.round),
  );
  assert.ok(Number(rejoinedIn.round) > degraded.round);
  const logs = (await call({ op: 'logs', jobId })) as { message: string }[];
  assert.ok(logs.some((l) => /site site-2 had lost the job/.test(l.message)), 'the coordinator re-prepared the restarted site');
  const aborted = (await call({ op: 'abort', jobId })) as Status;
  assert.equal(aborted.state, 'aborted');
  assert.ok(aborted.round < 200);
});

test('kill -9 of the coordinator mid-job: after restart the job ends with the uninterrupted final-weights hash', async () => {
  const { jobId } = await submit(specFile('coordinator-crash'));
  await until('round 1 of the coordinator-crash job', 60_000, async () => {
    const st = await status(jobId);
    return st.round >= 1 && st.round < ROUNDS ? true : undefined;
  }, 20);
  await coordinator.kill9();
  coordinator = startCoordinator(port);
  await coordinator.waitForLine(/MEDFED_COORDINATOR_PORT=/, 30_000);
  const s = await finished(jobId, 90_000);
  assert.equal(s.state, 'completed', s.error ?? '');
  const out = join(fed.work, 'download-crash');
  const dl = runMedfed(['job', 'download', jobId, '--out', out, '--kit', join(fed.pki.dir, 'users/analyst@example.org'), '--coordinator', `127.0.0.1:${port}`]);
  assert.equal(dl.status, 0, dl.stderr);
  assert.equal(createHash('sha256').update(readFileSync(join(out, 'final.safetensors'))).digest('hex'), await simulatorHash);
});
