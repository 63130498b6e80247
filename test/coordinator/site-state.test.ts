import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runtimeConnection } from '../../src/coordinator/jobs/memory-site-pool.js';
import { tensor } from '../../src/core/tensors.js';
import { directorySiteStateStore } from '../../src/node/site-state-dir.js';
import { VersionedSiteState } from '../../src/site/versioned-state.js';
import type { SiteState } from '../../src/strategies/strategy.js';
import { heartPool, heartSite, jobSpecYaml, openManager, runJobToEnd, tempDir } from './helpers.js';

const st = (v: number): SiteState => new Map([['k', new Map([['w', tensor([1], [v])]])]]);
const value = (s: SiteState) => s.get('k')?.get('w')?.data[0];

test('versioned site state: round r starts from the end of r−1, a redone round drops the stale future, old rounds are pruned', () => {
  const v = new VersionedSiteState('s', 3);
  assert.equal(v.baseFor(1).size, 0);
  v.commit(1, st(1));
  v.commit(2, st(2));
  v.commit(4, st(4)); // not sampled in round 3
  assert.equal(value(v.baseFor(4)), 2, 'round 4 redone: starts from the end of round 2');
  assert.equal(value(v.baseFor(5)), 4);
  assert.equal(value(v.asOf(3)), 2);
  assert.deepEqual(v.commit(2, st(20)), [1, 2], 'redoing round 2 discards round 4');
  assert.equal(value(v.baseFor(5)), 20);
  v.commit(3, st(3));
  v.commit(4, st(4));
  assert.deepEqual(v.rounds(), [2, 3, 4]);
  assert.throws(() => v.baseFor(2), /no longer keeps its state from before round 2/);
});

test('a SCAFFOLD site that restarts with its state folder rejoins with its c_i: the job ends with the uninterrupted hash', async () => {
  const spec = jobSpecYaml({ strategy: 'scaffold' });
  const expected = await runJobToEnd(tempDir('clean'), heartPool().pool, spec);
  const stateDir = join(tempDir('site-state'), 'site-2');
  const { pool } = heartPool();
  pool.connect(runtimeConnection(heartSite('site-2', { stateStore: directorySiteStateStore(stateDir) })));
  const m = await openManager(tempDir('restart'), pool, {
    hooks: {
      beforeCheckpoint: (_id, round) => {
        if (round === 2) pool.connect(runtimeConnection(heartSite('site-2', { stateStore: directorySiteStateStore(stateDir) })));
      },
    },
  });
  try {
    const { jobId } = await m.submit(spec, 'tester');
    await m.start();
    const s = await m.wait(jobId);
    assert.equal(s.state, 'completed', s.error ?? '');
    assert.ok((await m.logs(jobId)).some((e) => e.message.startsWith('site site-2 had lost the job')));
    assert.equal((await m.download(jobId)).results.runs[0].finalWeightsSha256, expected);
  } finally {
    await m.close();
  }
  // The job ended: the site dropped its persisted state.
  assert.equal((await directorySiteStateStore(stateDir).load('any')).size, 0);
});
