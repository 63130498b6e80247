import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ErrorCodes } from '../../../src/core/errors.js';
import { HeEncryptPool } from '../../../src/node/he-encrypt-pool.js';
import { createCkksContext, decodeMessage, encryptUpdate, heLayout, HeMessageKind } from '../../../src/privacy/he/index.js';
import { isCode, randomUpdate } from './helpers.js';

const ctx = await createCkksContext();
const { n, slots } = ctx;
const none = ctx.seal.ComprModeType.none;

describe('CKKS encryption over worker threads', () => {
  const pool = new HeEncryptPool(3);
  after(() => pool.close());

  it('makes the same message as encryptUpdate (header, length) that decrypts to the weighted values', async () => {
    const keygen = ctx.seal.KeyGenerator(ctx.context);
    const pk = keygen.createPublicKey();
    const s = ctx.readPolys('secretKey', keygen.secretKey().saveArray(none));
    keygen.delete();
    const update = randomUpdate(90, 100, 1); // 9090 values: 5 ciphertexts over 3 workers
    const layout = heLayout(update);
    const count = 5;
    const single = encryptUpdate(ctx, pk, layout, update, 0.8, 4);
    const parallel = await pool.encryptUpdate(ctx, pk, layout, update, 0.8, 4);
    assert.equal(parallel.bytes.length, single.bytes.length);
    assert.deepEqual(parallel.bytes.subarray(0, 56), single.bytes.subarray(0, 56));
    assert.equal(parallel.clipped, single.clipped);
    const { polys } = decodeMessage(ctx, parallel.bytes, { kind: HeMessageKind.contribution, round: 4, count, layoutFingerprint: layout.fingerprint, from: 'test' });
    const flat = [...update.get('0.weight')!.data, ...update.get('0.bias')!.data];
    for (let c = 0; c < count; c++) {
      const c0 = polys[0].slice(c * n, (c + 1) * n);
      const c1 = polys[1].slice(c * n, (c + 1) * n);
      ctx.ntt.forward(c0);
      ctx.ntt.forward(c1);
      const plain = ctx.seal.PlainText();
      plain.loadArray(ctx.context, ctx.writePolys('plaintext', c0.map((v, i) => ctx.mod.add(v, ctx.mod.mul(c1[i], s[i])))));
      const decoded = ctx.encoder.decode(plain);
      plain.delete();
      for (let i = 0; i < slots; i++) {
        const want = c * slots + i < flat.length ? flat[c * slots + i] * 0.8 : 0;
        assert.ok(Math.abs(decoded[i] - want) < 1e-5, `ciphertext ${c} slot ${i}: ${decoded[i]} vs ${want}`);
      }
    }
    pk.delete();
  });

  it('refuses a thread count outside [1, 64]', () => {
    assert.throws(() => new HeEncryptPool(0), isCode(ErrorCodes.CONFIG_INVALID, /threads must be an integer/));
  });
});
