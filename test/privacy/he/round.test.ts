import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ErrorCodes } from '../../../src/core/errors.js';
import {
  combinePublicKey,
  createCkksContext,
  decodeMessage,
  encodeMessage,
  encryptUpdate,
  HeAggregator,
  HeKeyHolder,
  heLayout,
  HeMessageKind,
  polysToNtt,
  runHeRound,
} from '../../../src/privacy/he/index.js';
import { isCode, maxAbsDiff, plainWeightedMean, randomUpdate } from './helpers.js';

const ctx = await createCkksContext();
/** Stated tolerance (docs/homomorphic-encryption.md): |decrypted - plain| <= 2e-5 * clip for up to 10 sites. */
const TOLERANCE = 2e-5;

function sites(k: number, rows: number, cols: number, lo: number) {
  return Array.from({ length: k }, (_, i) => ({ siteId: `site-${i}`, update: randomUpdate(rows, cols, lo), numExamples: 20 + 13 * i }));
}

describe('CKKS FedAvg round', () => {
  it('threshold model, 10 sites that are also the 10 key holders: decrypted mean = plain example-weighted mean within tolerance', () => {
    // 2 ciphertexts + a partial one: 4100 values over 2048-slot ciphertexts.
    const inputs = sites(10, 40, 100, 1);
    const { mean, timings } = runHeRound(ctx, inputs, inputs.map((s) => s.siteId));
    const err = maxAbsDiff(mean, plainWeightedMean(inputs, 1));
    assert.ok(err <= TOLERANCE, `max error ${err}`);
    assert.ok(err > 0, 'CKKS is approximate: an exact result would mean nothing was encrypted');
    assert.deepEqual([...mean.keys()], ['0.weight', '0.bias']);
    assert.equal(timings.contributionBytes.length, 10);
  });

  it('key-holder model (one dedicated key holder) gives the same mean', () => {
    const inputs = sites(4, 10, 30, 0.5);
    const { mean } = runHeRound(ctx, inputs, ['key-holder']);
    assert.ok(maxAbsDiff(mean, plainWeightedMean(inputs, 1)) <= TOLERANCE);
  });

  it('values beyond the clip range are clipped before encryption (the sum cannot wrap)', () => {
    const inputs = sites(3, 8, 16, 5);
    const { mean } = runHeRound(ctx, inputs, ['kh']);
    assert.ok(maxAbsDiff(mean, plainWeightedMean(inputs, 1)) <= TOLERANCE);
  });

  it('a larger clip range scales the tolerance with it', async () => {
    const wide = await createCkksContext({ clip: 16 });
    assert.equal(wide.scale, 2 ** 43);
    const inputs = sites(5, 10, 20, 10);
    const { mean } = runHeRound(wide, inputs, inputs.map((s) => s.siteId));
    assert.ok(maxAbsDiff(mean, plainWeightedMean(inputs, 16)) <= TOLERANCE * 16);
  });
});

describe('what the coordinator and a coalition can read', () => {
  const seed = randomBytes(32);
  // 15 x 128 + 15 = 1935 values: one ciphertext.
  const update = randomUpdate(15, 128, 1);
  const layout = heLayout(update);
  const data = update.get('0.weight')!.data;

  /**
   * One site's contribution, decrypted with the partial decryptions of `decrypting` (a subset of
   * the three key holders): c0 + sum d_i, decoded. Returns how many of the first 1000 values come
   * out within 1e-3 of the update.
   */
  function readableWith(decrypting: number[]): number {
    const holders = ['a', 'b', 'c'].map((id) => HeKeyHolder.create(ctx, id, seed));
    const pk = combinePublicKey(ctx, seed, holders.map((h) => ({ from: h.id, bytes: h.publicShare })));
    const bytes = encryptUpdate(ctx, pk, layout, update, 1, 1).bytes;
    const expect = { round: 1, count: 1, layoutFingerprint: layout.fingerprint };
    const [c0, c1] = decodeMessage(ctx, bytes, { kind: HeMessageKind.contribution, from: 'victim', ...expect }).polys;
    const request = encodeMessage(ctx, { kind: HeMessageKind.aggregate, round: 1, count: 1, weight: 0, layoutFingerprint: layout.fingerprint }, [c1]);
    const m = [c0];
    for (const i of decrypting) {
      decodeMessage(ctx, holders[i].partialDecrypt(request, expect), { kind: HeMessageKind.partialDecryption, round: 1, count: 1, from: holders[i].id }, m);
    }
    const plain = ctx.seal.PlainText();
    plain.loadArray(ctx.context, ctx.writePolys('plaintext', polysToNtt(ctx, m[0])));
    const values = ctx.encoder.decode(plain);
    plain.delete();
    pk.delete();
    let near = 0;
    for (let i = 0; i < 1000; i++) if (Math.abs(values[i] - data[i]) < 1e-3) near++;
    return near;
  }

  it('all three key holders together decrypt (the positive control)', () => {
    assert.equal(readableWith([0, 1, 2]), 1000);
  });

  it('the coordinator alone (no share) and any two of three holders read nothing', () => {
    for (const subset of [[], [0], [0, 1], [1, 2], [0, 2]]) {
      assert.ok(readableWith(subset) < 10, `holders ${subset.join(',') || 'none'} could read the update`);
    }
  });

  it('the coordinator cannot decode with fewer partial decryptions than key holders', () => {
    const holders = ['a', 'b', 'c'].map((id) => HeKeyHolder.create(ctx, id, seed));
    const pk = combinePublicKey(ctx, seed, holders.map((h) => ({ from: h.id, bytes: h.publicShare })));
    const agg = new HeAggregator(ctx, layout, 5);
    agg.add('s1', encryptUpdate(ctx, pk, layout, update, 0.5, 5).bytes);
    const request = agg.aggregateRequest();
    const partials = holders.slice(0, 2).map((h) => ({ from: h.id, bytes: h.partialDecrypt(request, { round: 5, count: agg.count, layoutFingerprint: layout.fingerprint }) }));
    assert.throws(() => agg.decrypt(partials, 3), isCode(ErrorCodes.QUORUM_NOT_MET, /each of the 3 key holders/));
    assert.throws(() => agg.decrypt([partials[0], partials[0], partials[1]], 3), isCode(ErrorCodes.QUORUM_NOT_MET, /each of the 3/));
  });
});
