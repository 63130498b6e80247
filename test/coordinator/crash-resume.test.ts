import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobManager } from '../../src/coordinator/jobs/job-manager.js';
import { heartPool, interceptedConnection, jobSpecYaml, openManager, ROUNDS, runJobToEnd, tempDir } from './helpers.js';

/**
 * The coordinator stops mid-job (after round 3's fits were aggregated, before its checkpoint),
 * as a kill would leave it: the job stays "running". A new manager on the same data folder resumes
 * from round 2's checkpoint and re-sends round 3, which the sites already trained once; the final
 * weights must be identical to an uninterrupted run. For SCAFFOLD this needs the sites' c_i as of
 * the end of round 2, not the one they updated in the discarded round 3.
 */
for (const strategy of ['fedavg', 'scaffold']) {
  test(`${strategy}: a job interrupted mid-round and resumed by a new coordinator ends with the uninterrupted hash`, async () => {
    const spec = jobSpecYaml({ strategy });
    const expected = await runJobToEnd(tempDir('clean'), heartPool().pool, spec);

    const fits = new Map<string, number>();
    const { pool } = heartPool((c) =>
      interceptedConnection(c, (req, forward) => {
        if (req.kind === 'fit') fits.set(`${c.siteId}@${req.round}`, (fits.get(`${c.siteId}@${req.round}`) ?? 0) + 1);
        return forward();
      }),
    );
    const dataDir = tempDir('crash');
    let stop: (p: Promise<void>) => void = () => {};
    const stopped = new Promise<Promise<void>>((resolve) => (stop = resolve));
    let first: JobManager | undefined;
    first = await openManager(dataDir, pool, {
      hooks: {
        beforeCheckpoint: (_id, round) => {
          if (round === 3) stop(first!.close());
        },
      },
    });
    const { jobId } = await first.submit(spec, 'tester');
    await first.start();
    await (await stopped);

    const second = await openManager(dataDir, pool);
    try {
      const before = await second.status(jobId);
      assert.equal(before.state, 'running');
      assert.equal(before.round, 2, 'round 3 was never checkpointed');
      assert.deepEqual(await second.resumeAll(), [jobId]);
      const after = await second.wait(jobId);
      assert.equal(after.state, 'completed', after.error ?? '');
      const dl = await second.download(jobId);
      assert.equal(dl.results.runs[0].finalWeightsSha256, expected);
      assert.deepEqual(dl.results.runs[0].history.map((h) => h.round), [1, 2, 3, 4]);
      // Round 3 really was trained twice by every site; the others once.
      for (const id of ['site-1', 'site-2', 'site-3']) {
        for (let r = 1; r <= ROUNDS; r++) assert.equal(fits.get(`${id}@${r}`), r === 3 ? 2 : 1, `${id} round ${r}`);
      }
      const logs = (await second.logs(jobId)).map((e) => e.message);
      assert.ok(logs.includes('job resumed'));
      assert.ok(logs.some((l) => l.startsWith('resuming after round 2')));
    } finally {
      await second.close();
    }
  });
}
