import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCkksContext, decodeMessage, encodeMessage, encryptUpdate, heLayout, HeMessageKind } from '../../../src/privacy/he/index.js';
import { RlweSampler } from '../../../src/privacy/he/sampling.js';
import { randomUpdate, randomVector } from './helpers.js';

const ctx = await createCkksContext();
const { n, slots } = ctx;
const q = ctx.mod.q;
const none = ctx.seal.ComprModeType.none;
const centred = (v: number) => (v > q / 2 ? v - q : v);

/** SEAL's own encoding, brought to coefficient form with the JS NTT (checked against SEAL's in primitives). */
function sealCoefficients(values: Float64Array): Float64Array {
  const plain = ctx.encoder.encode(values, ctx.scale)!;
  const p = ctx.readPolys('plaintext', plain.saveArray(none));
  plain.delete();
  ctx.ntt.inverse(p);
  return p.map(centred);
}

describe('CKKS encoding in coefficient form', () => {
  it("equals SEAL's encode followed by the inverse NTT, coefficient for coefficient", () => {
    for (const length of [slots, 1000, 1]) {
      const values = Float64Array.from(randomVector(length, 1));
      const js = new Float64Array(n);
      const max = ctx.coefficientEncoder.encode(values, ctx.scale, js);
      const seal = sealCoefficients(values);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(js[i] - seal[i]));
      // Same algorithm in float64; only cos/sin of the roots may round differently.
      assert.ok(worst <= 1, `length ${length}: max coefficient difference ${worst}`);
      assert.equal(max, Math.max(...js.map(Math.abs)));
    }
  });

  it("SEAL's decoder reads the JS encoding back (same slot order)", () => {
    const values = Float64Array.from(randomVector(slots, 1));
    const coeffs = new Float64Array(n);
    ctx.coefficientEncoder.encode(values, ctx.scale, coeffs);
    const residues = coeffs.map((v) => (v < 0 ? v + q : v));
    ctx.ntt.forward(residues);
    const plain = ctx.seal.PlainText();
    plain.loadArray(ctx.context, ctx.writePolys('plaintext', residues));
    const decoded = ctx.encoder.decode(plain);
    plain.delete();
    for (let i = 0; i < slots; i++) assert.ok(Math.abs(decoded[i] - values[i]) < 1e-9, `slot ${i}: ${decoded[i]} vs ${values[i]}`);
  });
});

describe('RLWE samplers', () => {
  it('ternary: only 0, 1, q - 1, each about a third', () => {
    const out = new Float64Array(60000);
    new RlweSampler().ternary(out, 0, out.length, q);
    const counts = new Map<number, number>();
    for (const v of out) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [0, 1, q - 1]);
    // 20000 expected per value, standard deviation ~115.
    for (const [v, c] of counts) assert.ok(Math.abs(c - 20000) < 800, `${v}: ${c}`);
  });

  it('centred binomial: integers in [-21, 21], mean 0, variance 10.5; adds to what is there', () => {
    const out = new Float64Array(100000).fill(5);
    new RlweSampler().addCenteredBinomial(out, 0, out.length);
    let sum = 0;
    let sq = 0;
    for (const v of out) {
      assert.ok(Number.isInteger(v) && v >= 5 - 21 && v <= 5 + 21, String(v));
      sum += v - 5;
      sq += (v - 5) ** 2;
    }
    const mean = sum / out.length;
    const variance = sq / out.length - mean * mean;
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(variance - 10.5) < 0.3, `variance ${variance}`);
  });
});

describe('public-key encryption of an update', () => {
  it('decrypts under the matching secret key to the weighted values; fresh randomness every time', () => {
    const keygen = ctx.seal.KeyGenerator(ctx.context);
    const pk = keygen.createPublicKey();
    const s = ctx.readPolys('secretKey', keygen.secretKey().saveArray(none));
    keygen.delete();
    const update = randomUpdate(50, 60, 1); // 3050 values: two ciphertexts, the second partly padding
    const layout = heLayout(update);
    const weight = 0.37;
    const first = encryptUpdate(ctx, pk, layout, update, weight, 2).bytes;
    const second = encryptUpdate(ctx, pk, layout, update, weight, 2).bytes;
    assert.notDeepEqual(first, second);
    const { polys } = decodeMessage(ctx, first, { kind: HeMessageKind.contribution, round: 2, count: 2, layoutFingerprint: layout.fingerprint, from: 'test' });
    const flat = [...update.get('0.weight')!.data, ...update.get('0.bias')!.data];
    for (let c = 0; c < 2; c++) {
      // m' = c0 + c1 s (NTT form), decoded by SEAL.
      const c0 = polys[0].slice(c * n, (c + 1) * n);
      const c1 = polys[1].slice(c * n, (c + 1) * n);
      ctx.ntt.forward(c0);
      ctx.ntt.forward(c1);
      const m = c0.map((v, i) => ctx.mod.add(v, ctx.mod.mul(c1[i], s[i])));
      const plain = ctx.seal.PlainText();
      plain.loadArray(ctx.context, ctx.writePolys('plaintext', m));
      const decoded = ctx.encoder.decode(plain);
      plain.delete();
      for (let i = 0; i < slots; i++) {
        const want = c * slots + i < flat.length ? flat[c * slots + i] * weight : 0;
        assert.ok(Math.abs(decoded[i] - want) < 1e-5, `ciphertext ${c} slot ${i}: ${decoded[i]} vs ${want}`);
      }
    }
    pk.delete();
  });
});

describe('wire bit layout', () => {
  /** Reference writer with BigInt: each coefficient centred, rounded to `bits` bits, two's complement, little-endian bit stream. */
  function reference(c: typeof ctx, values: Float64Array, bits: number): Uint8Array {
    let stream = 0n;
    let at = 0n;
    const step = 2 ** (c.qBits - bits);
    for (const x of values) {
      const y = Math.max(-(2 ** (bits - 1) - 1), Math.min(2 ** (bits - 1) - 1, Math.round(centred(x) / step)));
      stream |= BigInt.asUintN(bits, BigInt(y)) << at;
      at += BigInt(bits);
    }
    const out = new Uint8Array(Number(at) / 8);
    for (let i = 0; i < out.length; i++) out[i] = Number((stream >> BigInt(8 * i)) & 255n);
    return out;
  }

  it('packs 30-, 40- and 50-bit fields exactly as the documented bit stream', () => {
    const values = Float64Array.from({ length: n }, (_, i) => (i < 4 ? [0, 1, q - 1, (q - 1) / 2][i] : Math.floor(Math.random() * q)));
    const zero = new Uint8Array(16);
    const contribution = encodeMessage(ctx, { kind: HeMessageKind.contribution, round: 1, count: 1, weight: 1, layoutFingerprint: zero }, [values, values]);
    assert.deepEqual(contribution.subarray(56), Uint8Array.from([...reference(ctx, values, 30), ...reference(ctx, values, 40)]));
    const share = encodeMessage(ctx, { kind: HeMessageKind.publicKeyShare, round: 0, count: 1, weight: 0, layoutFingerprint: zero }, [values]);
    assert.deepEqual(share.subarray(56), reference(ctx, values, 50));
  });

  it('packs other widths (8, 13, 16, 24, 47 bits) the same way, and reads them back', async () => {
    for (const [c0Bits, c1Bits] of [[8, 13], [16, 24], [24, 47]]) {
      const other = await createCkksContext({ c0Bits, c1Bits });
      const values = Float64Array.from({ length: n }, () => Math.floor(Math.random() * q));
      const zero = new Uint8Array(16);
      const bytes = encodeMessage(other, { kind: HeMessageKind.contribution, round: 1, count: 1, weight: 1, layoutFingerprint: zero }, [values, values]);
      assert.deepEqual(bytes.subarray(56), Uint8Array.from([...reference(other, values, c0Bits), ...reference(other, values, c1Bits)]), `${c0Bits}/${c1Bits}`);
      const { polys } = decodeMessage(other, bytes, { kind: HeMessageKind.contribution, round: 1, count: 1, layoutFingerprint: zero, from: 'test' });
      for (const [j, bits] of [[0, c0Bits], [1, c1Bits]]) {
        const step = 2 ** (other.qBits - bits);
        for (let i = 0; i < n; i++) {
          const d = Math.abs(centred(polys[j][i]) - centred(values[i]));
          // Half a step of rounding, or the clamp at the largest field value.
          assert.ok(d <= step / 2 || Math.abs(centred(values[i])) > (2 ** (bits - 1) - 1) * step, `${bits} bits, coefficient ${i}: off by ${d}`);
        }
      }
    }
  });
});
