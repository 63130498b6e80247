import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Weights } from '../../core/tensors.js';
import { ciphertextCount, flatten, type HeLayout } from './layout.js';
import type { CkksContext, SealPublicKey } from './seal-context.js';
import { FixedMultiplier } from './modmath.js';
import { RlweSampler } from './sampling.js';
import { assembleMessage, encodeItems, HeMessageKind } from './wire.js';

export interface EncryptedUpdate {
  /** The contribution message for the coordinator. */
  readonly bytes: Uint8Array;
  /** Values clipped to [-clip, clip] before encryption. */
  readonly clipped: number;
}

/**
 * A site's contribution: every value of `update` (e.g. trained - global) clipped to
 * [-clip, clip], multiplied by `weight` (the site's example count / the round's total, released in
 * clear), packed in the layout's canonical order into N/2-slot chunks, and encrypted under the
 * collective public key pk = (pk0, pk1) as the RLWE public-key encryption
 *   c0 = pk0·u + e0 + m,  c1 = pk1·u + e1
 * in coefficient form (exactly SEAL's CKKS `Encryptor::encrypt` followed by its inverse NTT), then
 * serialised with rounded coefficients. u (uniform ternary) and e0, e1 (centred binomial, σ ≈ 3.24)
 * are drawn as SEAL draws them, from the Web Crypto CSPRNG (`RlweSampler`); m is the CKKS encoding
 * in coefficient form (`CkksCoefficientEncoder`, SEAL's slot order). SEAL's NTT (WebAssembly) turns
 * two u at a time to NTT form and brings pk·u back; the products pk_j·u are taken in JS
 * (`FixedMultiplier`, exact), which is cheaper than SEAL's 128-bit multiply in WebAssembly.
 */
export function encryptUpdate(ctx: CkksContext, publicKey: SealPublicKey, layout: HeLayout, update: Weights, weight: number, round: number): EncryptedUpdate {
  const { values, clipped } = weightedValues(ctx, layout, update, weight);
  const count = ciphertextCount(layout, ctx.slots);
  const body = encryptItems(ctx, publicKeyPolys(ctx, publicKey), values, 0, count);
  const bytes = assembleMessage(ctx, { kind: HeMessageKind.contribution, round, count, weight, layoutFingerprint: layout.fingerprint }, [body]);
  return { bytes, clipped };
}

/** The public key's coefficients (pk0 then pk1, NTT form), as `encryptItems` takes them. */
export function publicKeyPolys(ctx: CkksContext, publicKey: SealPublicKey): Float64Array {
  return ctx.readPolys('publicKey', publicKey.saveArray(ctx.seal.ComprModeType.none));
}

/**
 * The update flattened in the layout's order, each value checked finite, clipped to [-clip, clip]
 * and multiplied by `weight`; `clipped` counts the values that were clipped.
 */
export function weightedValues(ctx: CkksContext, layout: HeLayout, update: Weights, weight: number): { values: Float64Array; clipped: number } {
  if (!(weight > 0 && weight <= 1)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `encryption weight must be in (0, 1], got ${weight}`, {
      where: 'he.weight',
      hint: "pass the site's share of the round's examples (n_i / sum n); the sum of all weights must not exceed 1",
    });
  }
  const values = flatten(layout, update);
  const clip = ctx.params.clip;
  let clipped = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i];
    if (!Number.isFinite(v)) throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `update value ${i} is not finite`, { where: 'privacy/he', hint: 'the site diverged; do not send this update' });
    if (v > clip) (v = clip), clipped++;
    else if (v < -clip) (v = -clip), clipped++;
    values[i] = v * weight;
  }
  return { values, clipped };
}

/**
 * Ciphertexts `first … first + count − 1` of the weighted values (N/2 slots each, zero-padded at the
 * end), encrypted under the public key `pkPolys` (`publicKeyPolys`) and packed as the body of a
 * contribution message (c0 then c1 of each ciphertext, whole bytes, so bodies of consecutive ranges
 * concatenate). Ranges are independent: they can be encrypted in parallel (`node/he-encrypt-pool.ts`).
 */
export function encryptItems(ctx: CkksContext, pkPolys: Float64Array, values: Float64Array, first: number, count: number): Uint8Array {
  const { seal, slots, n, mod } = ctx;
  const q = mod.q;
  if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 1 && (first + count - 1) * slots < Math.max(values.length, 1))) {
    throw new MedfedError(ErrorCodes.INTERNAL, `cannot encrypt ciphertexts ${first} … ${first + count - 1} of ${values.length} values`, { where: 'privacy/he' });
  }
  const c0 = new Float64Array(count * n);
  const c1 = new Float64Array(count * n);
  const none = seal.ComprModeType.none;
  const pk = new FixedMultiplier(mod, pkPolys);
  const sampler = new RlweSampler();
  const cipher = seal.CipherText();
  const us = new Float64Array(2 * n);
  const uNtt = new Float64Array(2 * n);
  const pu = new Float64Array(2 * n);
  const products = new Float64Array(2 * n);
  const m = new Float64Array(n);
  const e1 = new Float64Array(n);
  try {
    for (let c = 0; c < count; c += 2) {
      // Two fresh u per SEAL call (SEAL transforms both polynomials of a ciphertext).
      sampler.ternary(us, 0, 2 * n, q);
      cipher.loadArray(ctx.context, ctx.writePolysScratch('ciphertextCoeff', us));
      ctx.evaluator.cipherTransformToNtt(cipher, cipher);
      ctx.readPolysInto('ciphertext', cipher.saveArray(none), uNtt);
      us.fill(0);
      for (let k = 0; k < 2 && c + k < count; k++) {
        const at = k * n;
        pk.mulInto(uNtt, at, products, 0, 0, n);
        pk.mulInto(uNtt, at, products, n, n, n);
        uNtt.fill(0, at, at + n);
        cipher.loadArray(ctx.context, ctx.writePolysScratch('ciphertext', products));
        ctx.evaluator.cipherTransformFromNtt(cipher, cipher);
        ctx.readPolysInto('ciphertextCoeff', cipher.saveArray(none), pu);
        const item = c + k;
        const at0 = (first + item) * slots;
        const maxCoefficient = ctx.coefficientEncoder.encode(values.subarray(at0, Math.min(values.length, at0 + slots)), ctx.scale, m);
        if (!(maxCoefficient < q / 4)) throw new MedfedError(ErrorCodes.INTERNAL, `CKKS encoding of ciphertext ${item} has a coefficient of ${maxCoefficient}, too close to q = ${q}`, { where: 'privacy/he' });
        sampler.addCenteredBinomial(m, 0, n);
        e1.fill(0);
        sampler.addCenteredBinomial(e1, 0, n);
        const off = item * n;
        for (let i = 0; i < n; i++) {
          let x = pu[i] + m[i];
          if (x < 0) x += q;
          else if (x >= q) x -= q;
          c0[off + i] = x;
          let y = pu[n + i] + e1[i];
          if (y < 0) y += q;
          else if (y >= q) y -= q;
          c1[off + i] = y;
        }
        pu.fill(0);
      }
    }
  } finally {
    cipher.delete();
    // u and pk·u would unmask c0; wipe the buffers that held them.
    for (const buffer of [us, uNtt, pu, products]) buffer.fill(0);
  }
  return encodeItems(ctx, HeMessageKind.contribution, [c0, c1], count);
}
