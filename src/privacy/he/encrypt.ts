import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Weights } from '../../core/tensors.js';
import { ciphertextCount, flatten, type HeLayout } from './layout.js';
import type { CkksContext, SealPublicKey } from './seal-context.js';
import { encodeMessage, HeMessageKind } from './wire.js';

export interface EncryptedUpdate {
  /** The contribution message for the coordinator. */
  readonly bytes: Uint8Array;
  /** Values clipped to [-clip, clip] before encryption. */
  readonly clipped: number;
}

/**
 * A site's contribution: every value of `update` (e.g. trained - global) clipped to
 * [-clip, clip], multiplied by `weight` (the site's example count / the round's total, released in
 * clear), packed in the layout's canonical order into N/2-slot chunks, CKKS-encoded and encrypted
 * under the collective public key with SEAL, turned to coefficient form (SEAL's inverse NTT), then
 * serialised with rounded coefficients.
 */
export function encryptUpdate(ctx: CkksContext, publicKey: SealPublicKey, layout: HeLayout, update: Weights, weight: number, round: number): EncryptedUpdate {
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
  const { seal, slots, n } = ctx;
  const count = ciphertextCount(layout, slots);
  const c0 = new Float64Array(count * n);
  const c1 = new Float64Array(count * n);
  const encryptor = seal.Encryptor(ctx.context, publicKey);
  const chunk = new Float64Array(slots);
  const none = seal.ComprModeType.none;
  try {
    for (let c = 0; c < count; c++) {
      chunk.fill(0);
      chunk.set(values.subarray(c * slots, Math.min(values.length, (c + 1) * slots)));
      const plain = ctx.encoder.encode(chunk, ctx.scale)!;
      const cipher = encryptor.encrypt(plain)!;
      // To coefficient form (in SEAL): rounding low bits away is only small noise there.
      ctx.evaluator.cipherTransformFromNtt(cipher, cipher);
      const polys = ctx.readPolys('ciphertextCoeff', cipher.saveArray(none));
      c0.set(polys.subarray(0, n), c * n);
      c1.set(polys.subarray(n), c * n);
      plain.delete();
      cipher.delete();
    }
  } finally {
    encryptor.delete();
  }
  const bytes = encodeMessage(ctx, { kind: HeMessageKind.contribution, round, count, weight, layoutFingerprint: layout.fingerprint }, [c0, c1]);
  return { bytes, clipped };
}
