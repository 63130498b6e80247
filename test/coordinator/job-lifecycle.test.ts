import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AuditEvent } from '../../src/audit/events.js';
import type { JobManager } from '../../src/coordinator/jobs/job-manager.js';
import { PgliteJobStore } from '../../src/coordinator/jobs/pglite-store.js';
import { jobHash, parseJobSpec } from '../../src/core/job-spec.js';
import { heartPool, jobSpecYaml, openManager, tempDir, VERSION } from './helpers.js';

test('abort: a running job stops and ends "aborted" (audited); a submitted one too; a finished one cannot be', async () => {
  const audit: AuditEvent[] = [];
  let m: JobManager | undefined;
  let aborted: Promise<unknown> | undefined;
  m = await openManager(tempDir('abort'), heartPool().pool, {
    audit,
    hooks: { beforeCheckpoint: (id, round) => void (round === 2 && (aborted = m!.abort(id, 'alice'))) },
  });
  try {
    const queued = await m.submit(jobSpecYaml({ name: 'queued' }), 'bob');
    assert.equal((await m.abort(queued.jobId, 'carol')).state, 'aborted');
    const { jobId } = await m.submit(jobSpecYaml({ rounds: 6 }), 'bob');
    await m.start();
    const s = await m.wait(jobId);
    await aborted;
    assert.equal(s.state, 'aborted');
    assert.equal(s.round, 1, 'round 2 was not checkpointed');
    assert.match(s.error!, /aborted by alice/);
    assert.deepEqual(
      audit.filter((e) => e.kind === 'admin_action'),
      [
        { kind: 'admin_action', actor: 'carol', action: 'abort job', target: queued.jobId },
        { kind: 'admin_action', actor: 'alice', action: 'abort job', target: jobId },
      ],
    );
    await assert.rejects(m.abort(jobId, 'alice'), /already aborted/);
    await assert.rejects(m.download(jobId), /only a completed job/);
    await assert.rejects(m.status('nope'), /no job "nope"/);
  } finally {
    await m.close();
  }
});

test('the job store keeps jobs, rounds and events across a reopen; migrations run once', async () => {
  const dir = join(tempDir('store'), 'db');
  const yaml = jobSpecYaml();
  const hash = jobHash(yaml, VERSION);
  let store = await PgliteJobStore.open(dir);
  await store.createJob({ id: 'j1', name: 'heart-job', specYaml: yaml, jobHash: hash, submitter: 'ann' });
  await store.createJob({ id: 'j2', name: 'heart-job', specYaml: yaml, jobHash: hash, submitter: 'ben' });
  assert.equal(await store.transition('j1', ['submitted'], 'running'), true);
  assert.equal(await store.transition('j1', ['submitted'], 'running'), false, 'compare-and-set');
  await store.setStartInfo('j1', ['a', 'b'], { mean: { age: 54.5 }, std: { age: 9.1 } });
  const metrics = { trainLoss: 0.5, sampled: ['a', 'b'], failed: { b: 'timeout' }, siteMetrics: { a: { auroc: 0.8 } }, durationMs: 12 };
  for (const round of [1, 2, 3]) await store.recordRound({ jobId: 'j1', round, checkpoint: `c${round}`, strategyCheckpoint: `s${round}`, metrics });
  await store.recordRound({ jobId: 'j1', round: 2, checkpoint: 'c2b', strategyCheckpoint: 's2b', metrics }); // a redone round drops later ones
  const e1 = await store.appendEvent('j1', 'info', 'first', { n: 1 });
  await store.appendEvent('j1', 'warn', 'second');
  await store.close();

  store = await PgliteJobStore.open(dir);
  try {
    const j1 = (await store.getJob('j1'))!;
    assert.equal(j1.state, 'running');
    assert.equal(j1.specYaml, yaml);
    assert.equal(j1.jobHash, hash);
    assert.deepEqual(j1.participants, ['a', 'b']);
    assert.deepEqual(j1.normalization, { mean: { age: 54.5 }, std: { age: 9.1 } });
    assert.deepEqual((await store.listJobs()).map((j) => [j.id, j.state]), [['j1', 'running'], ['j2', 'submitted']]);
    assert.deepEqual((await store.listJobs(['submitted'])).map((j) => j.id), ['j2']);
    assert.deepEqual((await store.rounds('j1')).map((r) => [r.round, r.checkpoint]), [[1, 'c1'], [2, 'c2b']]);
    assert.deepEqual((await store.lastRound('j1'))!.metrics, metrics);
    assert.deepEqual((await store.events('j1')).map((e) => [e.level, e.message]), [['info', 'first'], ['warn', 'second']]);
    assert.deepEqual((await store.events('j1', e1)).map((e) => e.message), ['second']);
    await assert.rejects(store.createJob({ id: 'j1', name: 'x', specYaml: yaml, jobHash: hash, submitter: 'ann' }));
  } finally {
    await store.close();
  }
});

test('job spec: errors name the path; the job hash ignores layout but not values or the medfed version', () => {
  const yaml = jobSpecYaml();
  assert.equal(parseJobSpec(yaml).federation.roundDeadlineSeconds, 120);
  assert.throws(() => parseJobSpec(yaml.replace('minSites: 2', 'minSites: 0')), /federation\.minSites/);
  assert.throws(() => parseJobSpec(yaml.replace('type: integer', 'type: date')), /schema\.columns\[0\]\.type/);
  assert.throws(() => parseJobSpec(`${yaml}\nextra: 1\n`), /extra/);
  const reformatted = `# a comment\n${yaml.replace('seed: 11', 'seed:    11   # same value')}`;
  assert.equal(jobHash(reformatted, VERSION), jobHash(yaml, VERSION));
  assert.notEqual(jobHash(yaml.replace('seed: 11', 'seed: 12'), VERSION), jobHash(yaml, VERSION));
  assert.notEqual(jobHash(yaml, '9.9.9'), jobHash(yaml, VERSION));
  assert.match(jobHash(yaml, VERSION), /^[0-9a-f]{64}$/);
});
