import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ErrorCodes } from '../../../src/core/errors.js';
import { combinePublicKey, createCkksContext, encryptUpdate, HeAggregator, HeKeyHolder, heLayout } from '../../../src/privacy/he/index.js';
import { isCode, maxAbsDiff, plainWeightedMean, randomUpdate } from './helpers.js';

const ctx = await createCkksContext();
const seed = randomBytes(32);
const holder = HeKeyHolder.create(ctx, 'kh', seed);
const pk = combinePublicKey(ctx, seed, [{ from: 'kh', bytes: holder.publicShare }]);
const update = randomUpdate(4, 8, 1);
const layout = heLayout(update);
const good = encryptUpdate(ctx, pk, layout, update, 0.5, 3).bytes;
const protocol = (re: RegExp) => isCode(ErrorCodes.SECAGG_PROTOCOL, re);

describe('CKKS message checks', () => {
  it('refuses truncated, padded, foreign and mislabelled contributions before touching the sum', () => {
    const agg = new HeAggregator(ctx, layout, 3);
    assert.throws(() => agg.add('s', good.subarray(0, good.length - 1)), protocol(/bytes, expected exactly/));
    assert.throws(() => agg.add('s', new Uint8Array([...good, 0])), protocol(/bytes, expected exactly/));
    const badMagic = good.slice();
    badMagic[0] ^= 1;
    assert.throws(() => agg.add('s', badMagic), protocol(/bad magic/));
    const badParams = good.slice();
    badParams[9] ^= 1;
    assert.throws(() => agg.add('s', badParams), protocol(/other CKKS parameters/));
    const badKind = good.slice();
    badKind[5] = 2;
    assert.throws(() => agg.add('s', badKind), protocol(/kind partial decryption/));
    const badWeight = good.slice();
    new DataView(badWeight.buffer).setFloat64(32, 1.5, true);
    assert.throws(() => agg.add('s', badWeight), protocol(/weight 1.5 is not in \(0, 1\]/));
    assert.throws(() => new HeAggregator(ctx, layout, 4).add('s', good), protocol(/round 3, expected 4/));
    const otherLayout = heLayout(randomUpdate(8, 4, 1));
    assert.throws(() => new HeAggregator(ctx, otherLayout, 3).add('s', good), protocol(/another model layout/));
    assert.equal(agg.sites.length, 0);
    // The aggregator is still usable and correct after the refusals.
    agg.add('s', good);
    const request = agg.aggregateRequest();
    const mean = agg.decrypt([{ from: 'kh', bytes: holder.partialDecrypt(request, { round: 3, count: 1, layoutFingerprint: layout.fingerprint }) }], 1);
    assert.ok(maxAbsDiff(mean, plainWeightedMean([{ update, numExamples: 1 }], 1)) <= 2e-5);
  });

  it('refuses a duplicate site and a total weight above 1 (the sum could wrap)', () => {
    const agg = new HeAggregator(ctx, layout, 3);
    agg.add('s1', good);
    assert.throws(() => agg.add('s1', good), protocol(/two contributions/));
    const heavy = encryptUpdate(ctx, pk, layout, update, 0.6, 3).bytes;
    assert.throws(() => agg.add('s2', heavy), protocol(/total weight above 1/));
    assert.deepEqual(agg.sites, ['s1']);
  });

  it('a key holder decrypts one aggregate per round and refuses a second request', () => {
    const kh = HeKeyHolder.create(ctx, 'kh2', seed);
    const agg = new HeAggregator(ctx, layout, 3);
    agg.add('s1', good);
    const expect = { round: 3, count: 1, layoutFingerprint: layout.fingerprint };
    kh.partialDecrypt(agg.aggregateRequest(), expect);
    assert.throws(() => kh.partialDecrypt(agg.aggregateRequest(), expect), protocol(/already released a partial decryption for round 3/));
  });

  it('refuses bad encryption weights, non-finite values and a wrong-size key seed', () => {
    assert.throws(() => encryptUpdate(ctx, pk, layout, update, 0, 1), isCode(ErrorCodes.CONFIG_INVALID, /weight must be in \(0, 1\]/));
    const broken = randomUpdate(4, 8, 1);
    broken.get('0.bias')!.data[2] = Number.NaN;
    assert.throws(() => encryptUpdate(ctx, pk, layout, broken, 0.5, 1), isCode(ErrorCodes.NUMERIC_DIVERGENCE, /not finite/));
    assert.throws(() => HeKeyHolder.create(ctx, 'x', new Uint8Array(16)), isCode(ErrorCodes.CONFIG_INVALID, /32 bytes/));
  });

  it('a public key share made for another seed breaks the key: the round decrypts to garbage, not to the update', () => {
    const honest = HeKeyHolder.create(ctx, 'honest', seed);
    const stranger = HeKeyHolder.create(ctx, 'stranger', randomBytes(32));
    const mixed = combinePublicKey(ctx, seed, [{ from: 'honest', bytes: honest.publicShare }, { from: 'stranger', bytes: stranger.publicShare }]);
    const agg = new HeAggregator(ctx, layout, 7);
    agg.add('s1', encryptUpdate(ctx, mixed, layout, update, 1, 7).bytes);
    const request = agg.aggregateRequest();
    const expect = { round: 7, count: 1, layoutFingerprint: layout.fingerprint };
    const mean = agg.decrypt([honest, stranger].map((h) => ({ from: h.id, bytes: h.partialDecrypt(request, expect) })), 2);
    assert.ok(maxAbsDiff(mean, plainWeightedMean([{ update, numExamples: 1 }], 1)) > 0.1);
  });
});
