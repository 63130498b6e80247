import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import type { AuditEvent } from '../../src/audit/events.js';
import { studySpecSchema } from '../../src/core/study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';
import { ENGINE, heartPool, heartCsv, heartSchemaFile, jobSpecYaml, layers, openManager, ROUNDS, root, SEED, tempDir, training } from './helpers.js';

const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

test('two jobs run at once through the job engine and each ends with the simulator\'s final-weights hash', async () => {
  const spec = studySpecSchema.parse({
    name: 'heart-sim',
    seed: SEED,
    engine: ENGINE,
    threads: 1,
    data: { kind: 'csv', file: heartCsv, schema: heartSchemaFile, partition: { by: 'iid', sites: 3 }, testFraction: 0.25, normalize: 'federated-zscore' },
    federation: { rounds: ROUNDS, fractionFit: 1, minSites: 2, k: 5 },
    training,
    models: [{ name: 'mlp', layers }],
    strategies: [{ name: 'fedavg' }, { name: 'scaffold' }],
    baselines: [],
  });
  const sim = await runStudy(spec, root, silent);
  const simHash = new Map(sim.runs.map((r) => [r.strategy!, r.finalWeightsSha256]));
  assert.deepEqual(sim.data.sites.map((s) => s.siteId), ['site-1', 'site-2', 'site-3']);

  const dataDir = tempDir('jobs-sim');
  const audit: AuditEvent[] = [];
  const { pool } = heartPool();
  const m = await openManager(dataDir, pool, { audit });
  try {
    const a = await m.submit(jobSpecYaml({ strategy: 'fedavg' }), 'alice');
    const b = await m.submit(jobSpecYaml({ strategy: 'scaffold' }), 'bob');
    assert.notEqual(a.jobHash, b.jobHash);
    await m.start();
    // Both run at the same time: each is active before either has finished.
    assert.deepEqual((await m.list()).map((j) => j.active), [true, true]);
    for (const [job, strategy] of [[a, 'fedavg'], [b, 'scaffold']] as const) {
      const status = await m.wait(job.jobId);
      assert.equal(status.state, 'completed', status.error ?? '');
      assert.equal(status.round, ROUNDS);
      const dl = await m.download(job.jobId);
      assert.equal(dl.results.runs[0].finalWeightsSha256, simHash.get(strategy), `${strategy}: job and simulator differ`);
      assert.equal(createHash('sha256').update(dl.weights).digest('hex'), simHash.get(strategy));
      assert.match(dl.reportHtml, /<!DOCTYPE html>/);
      assert.deepEqual(Object.keys(dl.results.runs[0].perSite), ['site-1', 'site-2', 'site-3']);
      assert.equal(dl.results.runs[0].history.length, ROUNDS);
      for (let r = 1; r <= ROUNDS; r++) {
        assert.ok(existsSync(join(dataDir, 'jobs', job.jobId, `round-${r}.safetensors`)));
        assert.ok(existsSync(join(dataDir, 'jobs', job.jobId, `round-${r}.strategy.safetensors`)));
      }
    }
    const kinds = audit.filter((e) => 'jobId' in e && e.jobId === a.jobId).map((e) => e.kind);
    assert.deepEqual(kinds, ['job_submitted', ...Array.from({ length: ROUNDS }, () => ['round_started', 'round_ended']).flat()]);
  } finally {
    await m.close();
  }
});
