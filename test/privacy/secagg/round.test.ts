import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { makeSecAggConfig, runSecAggRound, type DropoutPlan } from '../../../src/privacy/secagg/index.js';
import { maxAbsDiff, plainClippedSum, randomVector, siteIds } from './helpers.js';

const N = 10;
const DIM = 1000;
const RANGE = 1;
// Hand-derived bound: scale = (2^31 - 1 - N) / (N * RANGE); stochastic rounding errs < 1/scale per
// client, nearest <= 0.5/scale; the float64 decode adds at most a few ulps.
const SCALE = (2 ** 31 - 1 - N) / (N * RANGE);

function setup(rounding: 'stochastic' | 'nearest' = 'stochastic') {
  const config = makeSecAggConfig({ round: 7, dimension: DIM, maxClients: N, clipRange: RANGE, rounding });
  const ids = siteIds(N);
  // 1.2 * RANGE: some values are clipped, which the expected sum accounts for.
  const inputs = new Map(ids.map((id) => [id, randomVector(DIM, 1.2 * RANGE)]));
  return { config, ids, inputs };
}

async function checkRound(drop: DropoutPlan, expectedSurvivors: number, rounding: 'stochastic' | 'nearest' = 'stochastic') {
  const { config, ids, inputs } = setup(rounding);
  const result = await runSecAggRound(config, inputs, drop);
  const goneBeforeInput = new Set([...(drop.advertise ?? []), ...(drop.share ?? []), ...(drop.mask ?? [])]);
  const survivors = ids.filter((id) => !goneBeforeInput.has(id));
  assert.deepEqual(result.survivors, survivors);
  assert.equal(result.survivors.length, expectedSurvivors);
  // The server only knows clients that advertised keys; one that never showed up is not "dropped".
  const advertisedButMissing = [...(drop.share ?? []), ...(drop.mask ?? [])];
  assert.deepEqual(result.dropped, advertisedButMissing.sort());
  const expected = plainClippedSum(inputs, survivors, RANGE);
  const bound = (survivors.length * (rounding === 'stochastic' ? 1 : 0.5)) / SCALE + 1e-12;
  const err = maxAbsDiff(result.sum, expected);
  assert.ok(err <= bound, `max error ${err} exceeds the quantisation bound ${bound}`);
  // A wrong unmasking leaves a pseudo-random residue of order 2^31 / SCALE ~ RANGE * N, far above the bound.
  return err;
}

describe('SecAgg+ round, 10 clients x 1000 floats', () => {
  it('recovers the plain sum within the stochastic-rounding bound N/scale', async () => {
    await checkRound({}, 10);
  });

  it('recovers the plain sum within the nearest-rounding bound N/(2 scale)', async () => {
    await checkRound({}, 10, 'nearest');
  });

  it('recovers the survivors\' sum when 3 clients drop after sharing keys, before the masked input', async () => {
    await checkRound({ mask: ['site-01', 'site-04', 'site-08'] }, 7);
  });

  it('handles dropouts before advertising keys (graph built over the 8 that came)', async () => {
    await checkRound({ advertise: ['site-00', 'site-09'] }, 8);
  });

  it('handles dropouts between advertising and sharing keys', async () => {
    await checkRound({ share: ['site-03', 'site-05'] }, 8);
  });

  it('counts clients that drop during unmasking: their input is in the sum, their seed rebuilt from shares', async () => {
    await checkRound({ unmask: ['site-02', 'site-07'] }, 10);
  });

  it('handles a dropout at every stage in one round', async () => {
    await checkRound({ advertise: ['site-00'], share: ['site-03'], mask: ['site-06'], unmask: ['site-09'] }, 7);
  });

  it('fails with QUORUM_NOT_MET naming the clients when too few answer the unmask request', async () => {
    const { config, inputs } = setup();
    // 6 of 10 silent in stage 3 leaves 4 responders, below t = 5 for every secret.
    const silent = siteIds(N).slice(0, 6);
    await assert.rejects(runSecAggRound(config, inputs, { unmask: silent }), (e: unknown) => {
      assert.ok(e instanceof MedfedError);
      assert.equal(e.code, ErrorCodes.QUORUM_NOT_MET);
      for (const id of siteIds(N)) assert.match(e.message, new RegExp(`${id} \\(self-mask seed\\)`));
      return true;
    });
  });

  it('fails with QUORUM_NOT_MET when fewer than t clients send a masked input', async () => {
    const { config, inputs } = setup();
    await assert.rejects(runSecAggRound(config, inputs, { mask: siteIds(N).slice(0, 6) }), (e: unknown) => {
      assert.ok(e instanceof MedfedError);
      assert.equal(e.code, ErrorCodes.QUORUM_NOT_MET);
      assert.match(e.message, /only 4 clients sent masked inputs, fewer than the threshold 5/);
      return true;
    });
  });
});
