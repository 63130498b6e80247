import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimeConnection } from '../../src/coordinator/jobs/memory-site-pool.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import type { SiteReply } from '../../src/core/messages.js';
import { heartPool, heartSite, interceptedConnection, jobSpecYaml, openManager, runJobToEnd, tempDir } from './helpers.js';

const crashed = (siteId: string): SiteReply => ({
  kind: 'error',
  siteId,
  error: new MedfedError(ErrorCodes.SITE_FAILURE, `site ${siteId} crashed`).toJSON(),
});

async function runWith(spec: string, wrap: Parameters<typeof heartPool>[0]) {
  const m = await openManager(tempDir('faults'), heartPool(wrap).pool);
  try {
    const { jobId } = await m.submit(spec, 'tester');
    await m.start();
    const status = await m.wait(jobId);
    const rounds = status.state === 'completed' ? (await m.download(jobId)).results.runs[0] : undefined;
    return { status, hash: rounds?.finalWeightsSha256, logs: await m.logs(jobId) };
  } finally {
    await m.close();
  }
}

test('a site failing mid-round: the round completes with the quorum; a late reply after the deadline is dropped, not aggregated', async () => {
  const spec = jobSpecYaml({ minSites: 2, deadlineSeconds: 1.5 });
  // site-3 fails its round-2 fit.
  const failing = await runWith(spec, (c) =>
    interceptedConnection(c, async (req, forward) => (c.siteId === 'site-3' && req.kind === 'fit' && req.round === 2 ? crashed(c.siteId) : forward())),
  );
  assert.equal(failing.status.state, 'completed', failing.status.error ?? '');
  const round2 = failing.logs.find((e) => e.message.startsWith('round 2 ended'))!;
  assert.equal(round2.message, 'round 2 ended: 2 of 3 sites replied');
  assert.match(String((round2.fields.failed as Record<string, string>)['site-3']), /site-3 crashed/);
  assert.equal(failing.logs.find((e) => e.message.startsWith('round 3 ended'))!.message, 'round 3 ended: 3 of 3 sites replied');

  // site-3 answers its round-2 fit 3 s late (deadline 1.5 s): the round goes on without it, and the
  // late reply arrives but is not aggregated — the result equals the run where site-3 failed.
  let delivered: () => void = () => {};
  const lateDelivered = new Promise<void>((r) => (delivered = r));
  const slow = await runWith(spec, (c) =>
    interceptedConnection(c, async (req, forward) => {
      const reply = await forward();
      if (c.siteId === 'site-3' && req.kind === 'fit' && req.round === 2) {
        await new Promise((r) => setTimeout(r, 3000));
        delivered();
      }
      return reply;
    }),
  );
  assert.equal(slow.status.state, 'completed', slow.status.error ?? '');
  assert.match(String((slow.logs.find((e) => e.message.startsWith('round 2 ended'))!.fields.failed as Record<string, string>)['site-3']), /deadline/);
  await lateDelivered; // the slow site did reply, late, and nothing broke
  assert.equal(slow.hash, failing.hash);

  const clean = await runJobToEnd(tempDir('clean'), heartPool().pool, spec);
  assert.notEqual(clean, failing.hash, 'losing a site for a round changes the model');
});

test('too few replies: the job fails with QUORUM_NOT_MET naming the failed sites and why', async () => {
  const r = await runWith(jobSpecYaml({ minSites: 3 }), (c) =>
    interceptedConnection(c, async (req, forward) => (c.siteId === 'site-2' && req.kind === 'fit' && req.round === 2 ? crashed(c.siteId) : forward())),
  );
  assert.equal(r.status.state, 'failed');
  assert.match(r.status.error!, /MEDFED_ERR_QUORUM_NOT_MET/);
  assert.match(r.status.error!, /round 2: 2 of 3 sites replied \(site-1, site-3\), 3 needed; failed or timed out: site-2: .*site-2 crashed/);
  assert.equal(r.status.round, 1);
});

test('a restarted site (new runtime, same id) rejoins through a new prepare, and the job ends as if it had not restarted', async () => {
  const spec = jobSpecYaml({ strategy: 'fedavg' });
  const expected = await runJobToEnd(tempDir('clean'), heartPool().pool, spec);
  const { pool } = heartPool();
  const m = await openManager(tempDir('restart'), pool, {
    hooks: {
      beforeCheckpoint: (_id, round) => {
        if (round === 1) pool.connect(runtimeConnection(heartSite('site-2')));
      },
    },
  });
  try {
    const { jobId } = await m.submit(spec, 'tester');
    await m.start();
    const s = await m.wait(jobId);
    assert.equal(s.state, 'completed', s.error ?? '');
    const logs = await m.logs(jobId);
    assert.ok(logs.some((e) => e.message.startsWith('site site-2 had lost the job')));
    assert.ok(logs.every((e) => !e.message.includes('sites replied') || e.message.endsWith('3 of 3 sites replied')));
    assert.equal((await m.download(jobId)).results.runs[0].finalWeightsSha256, expected);
  } finally {
    await m.close();
  }
});
