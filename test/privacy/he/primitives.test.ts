import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { ErrorCodes } from '../../../src/core/errors.js';
import {
  commonPolynomial,
  createCkksContext,
  decodeMessage,
  encodeMessage,
  FixedMultiplier,
  flatten,
  heLayout,
  HeMessageKind,
  makeCkksParams,
  Modulus,
  Ntt,
  unflatten,
} from '../../../src/privacy/he/index.js';
import { isCode, randomUpdate } from './helpers.js';

const ctx = await createCkksContext();

describe('CKKS parameters', () => {
  it('defaults: N = 4096, one 50-bit prime (within the 109-bit bound for 128-bit security), scale 2^47', () => {
    assert.equal(ctx.n, 4096);
    assert.equal(ctx.slots, 2048);
    assert.ok(ctx.mod.q < 2 ** 50 && ctx.mod.q > 2 ** 49);
    assert.equal(ctx.mod.q % 8192, 1);
    assert.equal(ctx.scale, 2 ** 47);
  });

  it('refuses unknown fields, bit counts above the modulus and a clip that leaves no scale', () => {
    assert.throws(() => makeCkksParams({ polyModulusDegree: 4096, nonsense: 1 } as never), isCode(ErrorCodes.CONFIG_INVALID, /nonsense/));
    assert.throws(() => makeCkksParams({ coeffModulusBits: 40, c1Bits: 45 }), isCode(ErrorCodes.CONFIG_INVALID, /c1Bits = 45 exceeds/));
    assert.throws(() => makeCkksParams({ coeffModulusBits: 30, c0Bits: 20, c1Bits: 25, clip: 1000 }), isCode(ErrorCodes.CONFIG_INVALID, /scale of only/));
    assert.throws(() => makeCkksParams({ polyModulusDegree: 1024 as never }), isCode(ErrorCodes.CONFIG_INVALID, /polyModulusDegree/));
  });
});

describe('modular arithmetic and the NTT', () => {
  it('mul matches BigInt on random and extreme operands', () => {
    const mod = ctx.mod;
    const q = BigInt(mod.q);
    const cases: [number, number][] = [[0, 0], [1, mod.q - 1], [mod.q - 1, mod.q - 1], [mod.q - 2, mod.q - 1]];
    for (let i = 0; i < 20000; i++) cases.push([randomInt(0, 2 ** 48 - 1) * 4 % mod.q, randomInt(0, 2 ** 48 - 1) * 3 % mod.q]);
    for (const [a, b] of cases) assert.equal(mod.mul(a, b), Number((BigInt(a) * BigInt(b)) % q), `${a} * ${b}`);
  });

  it('FixedMultiplier matches BigInt against a fixed vector, including extreme operands', () => {
    const mod = ctx.mod;
    const q = BigInt(mod.q);
    const length = 20000;
    const w = Float64Array.from({ length }, (_, i) => (i < 3 ? [0, 1, mod.q - 1][i] : (randomInt(0, 2 ** 48 - 1) * 4) % mod.q));
    const b = Float64Array.from({ length }, (_, i) => (i % 7 === 0 ? mod.q - 1 : (randomInt(0, 2 ** 48 - 1) * 3) % mod.q));
    const out = new Float64Array(length + 5);
    new FixedMultiplier(mod, w).mulInto(b, 0, out, 5, 0, length);
    for (let i = 0; i < length; i++) assert.equal(out[5 + i], Number((BigInt(w[i]) * BigInt(b[i])) % q), `${w[i]} * ${b[i]}`);
    assert.throws(() => new FixedMultiplier(mod, Float64Array.of(mod.q)), /not a residue/);
  });

  it('inverse(forward(x)) = x, and forward is multiplicative (negacyclic convolution)', () => {
    const mod = new Modulus(ctx.mod.q);
    const ntt = new Ntt(16, mod);
    const x = Float64Array.from({ length: 16 }, (_, i) => (i * 7919) % 101);
    const y = new Float64Array(x);
    ntt.forward(y);
    ntt.inverse(y);
    assert.deepEqual([...y], [...x]);
    // X * X^15 = X^16 = -1 in Z_q[X]/(X^16 + 1).
    const a = new Float64Array(16);
    const b = new Float64Array(16);
    a[1] = 1;
    b[15] = 1;
    ntt.forward(a);
    ntt.forward(b);
    const c = a.map((v, i) => mod.mul(v, b[i]));
    ntt.inverse(c);
    assert.deepEqual([...c], [mod.q - 1, ...new Array(15).fill(0)]);
  });

  it("reproduces SEAL's NTT: SEAL's secret key (NTT form) transforms back to a ternary polynomial", () => {
    const keygen = ctx.seal.KeyGenerator(ctx.context);
    const s = ctx.readPolys('secretKey', keygen.secretKey().saveArray(ctx.seal.ComprModeType.none));
    keygen.delete();
    ctx.ntt.inverse(s);
    const counts = { zero: 0, one: 0, minusOne: 0, other: 0 };
    for (const v of s) {
      if (v === 0) counts.zero++;
      else if (v === 1) counts.one++;
      else if (v === ctx.mod.q - 1) counts.minusOne++;
      else counts.other++;
    }
    assert.equal(counts.other, 0);
    for (const k of ['zero', 'one', 'minusOne'] as const) assert.ok(counts[k] > 1100, `${k}: ${counts[k]}`);
  });

  it('the common polynomial is deterministic in the seed, differs across seeds and stays below q', () => {
    const seed = randomBytes(32);
    const a = commonPolynomial(ctx, seed);
    assert.deepEqual(a, commonPolynomial(ctx, seed));
    assert.notDeepEqual(a, commonPolynomial(ctx, randomBytes(32)));
    assert.ok(a.every((v) => Number.isInteger(v) && v >= 0 && v < ctx.mod.q));
    assert.ok(Math.max(...a) > ctx.mod.q * 0.99);
  });
});

describe('packing and the wire format', () => {
  it('flattens in the reference order whatever the insertion order, and unflattens back', () => {
    const update = randomUpdate(3, 5, 1);
    const reversed = new Map([...update].reverse());
    const layout = heLayout(update);
    const flat = flatten(layout, reversed);
    assert.deepEqual([...flat.subarray(0, 15)], [...update.get('0.weight')!.data]);
    assert.deepEqual([...flat.subarray(15)], [...update.get('0.bias')!.data]);
    const back = unflatten(layout, flat);
    assert.deepEqual([...back.keys()], ['0.weight', '0.bias']);
    assert.deepEqual(back.get('0.weight')!.shape, [3, 5]);
    assert.throws(() => flatten(layout, randomUpdate(3, 4, 1)), isCode(ErrorCodes.SHAPE_MISMATCH, /0\.weight/));
    assert.notDeepEqual(layout.fingerprint, heLayout(randomUpdate(5, 3, 1)).fingerprint);
  });

  it('coefficients round-trip through the bit-packed format within half a dropped step', () => {
    const n = ctx.n;
    const q = ctx.mod.q;
    const c0 = Float64Array.from({ length: 2 * n }, () => randomInt(0, 2 ** 40) * 1000 % q);
    const c1 = Float64Array.from({ length: 2 * n }, () => randomInt(0, 2 ** 40) * 999 % q);
    const fp = randomBytes(16);
    const bytes = encodeMessage(ctx, { kind: HeMessageKind.contribution, round: 7, count: 2, weight: 0.25, layoutFingerprint: fp }, [c0, c1]);
    assert.equal(bytes.length, 56 + (2 * n * (30 + 40)) / 8);
    const { header, polys } = decodeMessage(ctx, bytes, { kind: HeMessageKind.contribution, round: 7, count: 2, layoutFingerprint: fp, from: 'test' });
    assert.equal(header.weight, 0.25);
    const dist = (a: number, b: number) => Math.min(Math.abs(a - b), q - Math.abs(a - b));
    const worst = (x: Float64Array, y: Float64Array) => x.reduce((m, v, i) => Math.max(m, dist(v, y[i])), 0);
    assert.ok(worst(c0, polys[0]) <= 2 ** 19, `c0 error ${worst(c0, polys[0])}`);
    assert.ok(worst(c1, polys[1]) <= 2 ** 9, `c1 error ${worst(c1, polys[1])}`);
  });
});
