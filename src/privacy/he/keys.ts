import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { gaussianSource, secureUniform } from '../dp/secure-random.js';
import { concatBytes, utf8 } from '../secagg/bytes.js';
import { prgWords } from '../secagg/prg.js';
import type { CkksContext, SealPublicKey } from './seal-context.js';

type SealSecretKey = ReturnType<CkksContext['seal']['SecretKey']>;
import { decodeMessage, encodeMessage, HeMessageKind } from './wire.js';

/**
 * Multiparty (n-of-n threshold) CKKS keys on top of SEAL, after Mouchet et al., "Multiparty
 * homomorphic encryption from ring-learning-with-errors" (PETS 2021):
 * - every key holder i draws its own secret s_i (SEAL's KeyGenerator: uniform ternary);
 * - a common random polynomial a is expanded from a public 32-byte seed;
 * - holder i publishes b_i = -a s_i + e_i; the collective public key is (sum b_i, a), a valid RLWE
 *   public key for s = sum s_i that nobody knows;
 * - to decrypt a ciphertext (c0, c1) each holder publishes d_i = c1 s_i + e'_i with a wide
 *   "smudging" noise e'_i, and c0 + sum d_i = m + e decodes to the message.
 * Key shares are computed on SEAL's NTT-form coefficients (one prime) with the JS NTT, which is
 * checked against SEAL's; partial decryptions are computed by SEAL itself (its Decryptor applied
 * to the coefficient-form pair (e'_i, c1)), and SEAL decodes exactly as in the single-key case;
 * sites encrypt under (sum b_i, a) with the standard public-key encryption (encrypt.ts).
 */

/** SEAL's error distribution: a normal of standard deviation 3.2 clipped at 6 sigma, rounded. */
export const KEY_NOISE_STD = 3.2;

/** The common random polynomial a (NTT form, uniform mod q) expanded from a public seed. */
export function commonPolynomial(ctx: CkksContext, seed: Uint8Array): Float64Array {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the common key seed must be 32 bytes, got ${seed?.length}`, { where: 'he.keySeed', hint: 'draw it with a CSPRNG and send the same seed to every key holder' });
  }
  const q = ctx.mod.q;
  const out = new Float64Array(ctx.n);
  // Two words per candidate (50 bits used); rejection above q. 4N words leave a failure chance far below 2^-100.
  const key = sha256(concatBytes(utf8('medfed/he/common-polynomial/v1'), seed));
  const words = prgWords(key, 4 * ctx.n + 64);
  const mask = 2 ** (Math.ceil(Math.log2(q)) - 32) - 1;
  let w = 0;
  for (let i = 0; i < ctx.n; i++) {
    for (;;) {
      if (w + 2 > words.length) throw new MedfedError(ErrorCodes.INTERNAL, 'common polynomial expansion ran out of PRG output', { where: 'privacy/he' });
      const v = words[w] + (words[w + 1] & mask) * 4294967296;
      w += 2;
      if (v < q) {
        out[i] = v;
        break;
      }
    }
  }
  return out;
}

/** A small noise polynomial (normal of standard deviation `std`, rounded, clipped at 6 std) in NTT form. */
export function noisePolynomial(ctx: CkksContext, std: number, normal: () => number = gaussianSource(secureUniform())): Float64Array {
  const out = new Float64Array(ctx.n);
  const bound = 6 * std;
  for (let i = 0; i < ctx.n; i++) {
    let z = normal() * std;
    if (z > bound) z = bound;
    else if (z < -bound) z = -bound;
    out[i] = ctx.mod.reduce(Math.round(z));
  }
  ctx.ntt.forward(out);
  return out;
}

/**
 * One key holder's secret share. It never leaves the object; it is used only to publish the public
 * key share and to partially decrypt aggregates, at most once per round.
 */
export class HeKeyHolder {
  private readonly decryptedRounds = new Set<number>();
  private readonly normal = gaussianSource(secureUniform());

  private constructor(
    private readonly ctx: CkksContext,
    readonly id: string,
    private readonly secretKey: SealSecretKey,
    /** This holder's public key share message (kind publicKeyShare). */
    readonly publicShare: Uint8Array,
  ) {}

  /** Draw a fresh secret share with SEAL and compute the public key share for the common seed. */
  static create(ctx: CkksContext, id: string, seed: Uint8Array, epoch = 0): HeKeyHolder {
    const keygen = ctx.seal.KeyGenerator(ctx.context);
    const sk = keygen.secretKey();
    const secret = ctx.readPolys('secretKey', sk.saveArray(ctx.seal.ComprModeType.none));
    keygen.delete();
    const a = commonPolynomial(ctx, seed);
    const b = noisePolynomial(ctx, KEY_NOISE_STD);
    const mod = ctx.mod;
    for (let i = 0; i < ctx.n; i++) b[i] = mod.sub(b[i], mod.mul(a[i], secret[i]));
    const share = encodeMessage(ctx, { kind: HeMessageKind.publicKeyShare, round: epoch, count: 1, weight: 0, layoutFingerprint: new Uint8Array(16) }, [b]);
    secret.fill(0);
    return new HeKeyHolder(ctx, id, sk, share);
  }

  /**
   * The partial decryption d = c1 s_i + e' of every ciphertext of an aggregate (kind aggregate).
   * Refuses a second request for the same round: the coordinator gets one decryption per round,
   * so it cannot ask for a single site's ciphertext in addition to the sum.
   */
  partialDecrypt(aggregate: Uint8Array, expect: { round: number; count: number; layoutFingerprint: Uint8Array }): Uint8Array {
    if (this.decryptedRounds.has(expect.round)) {
      throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `key holder ${this.id} already released a partial decryption for round ${expect.round}`, {
        where: 'privacy/he',
        hint: 'each key holder decrypts one aggregate per round; a second request is refused as a possible attempt to decrypt a single update',
      });
    }
    const { polys } = decodeMessage(this.ctx, aggregate, { kind: HeMessageKind.aggregate, from: 'the coordinator', ...expect });
    const c1 = polys[0];
    const ctx = this.ctx;
    const { n, mod, seal } = ctx;
    const std = 2 ** ctx.params.smudgingBits;
    const bound = 6 * std;
    const none = seal.ComprModeType.none;
    const d = new Float64Array(c1.length);
    const pair = new Float64Array(2 * n);
    const cipher = seal.CipherText();
    const decryptor = seal.Decryptor(ctx.context, this.secretKey);
    try {
      for (let item = 0; item < expect.count; item++) {
        const off = item * n;
        // (e', c1) in coefficient form; SEAL's decryption of it is e' + c1 s_i (NTT form).
        for (let i = 0; i < n; i++) {
          let z = this.normal() * std;
          if (z > bound) z = bound;
          else if (z < -bound) z = -bound;
          pair[i] = mod.reduce(Math.round(z));
        }
        pair.set(c1.subarray(off, off + n), n);
        cipher.loadArray(ctx.context, ctx.writePolys('ciphertextCoeff', pair));
        ctx.evaluator.cipherTransformToNtt(cipher, cipher);
        const plain = decryptor.decrypt(cipher)!;
        // Back to coefficient form (SEAL's inverse NTT on a ciphertext (share, share): SEAL refuses a
        // ciphertext with c1 = 0 as transparent) so that the share can be rounded on the wire.
        const share = ctx.readPolys('plaintext', plain.saveArray(none));
        pair.set(share, 0);
        pair.set(share, n);
        plain.delete();
        cipher.loadArray(ctx.context, ctx.writePolys('ciphertext', pair));
        ctx.evaluator.cipherTransformFromNtt(cipher, cipher);
        d.set(ctx.readPolys('ciphertextCoeff', cipher.saveArray(none)).subarray(0, n), off);
      }
    } finally {
      cipher.delete();
      decryptor.delete();
    }
    this.decryptedRounds.add(expect.round);
    return encodeMessage(this.ctx, { kind: HeMessageKind.partialDecryption, round: expect.round, count: expect.count, weight: 0, layoutFingerprint: new Uint8Array(16) }, [d]);
  }
}

/**
 * The collective public key (sum of the shares b_i, a) as a SEAL PublicKey. Every site computes it
 * itself from the shares it received (and can check that its own share is among them), so a
 * coordinator cannot substitute a key of its own.
 */
export function combinePublicKey(ctx: CkksContext, seed: Uint8Array, shares: readonly { from: string; bytes: Uint8Array }[], epoch = 0): SealPublicKey {
  if (shares.length === 0) throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'no public key shares to combine', { where: 'he.keyHolders', hint: 'at least one key holder must publish a share' });
  const a = commonPolynomial(ctx, seed);
  const sum = [new Float64Array(ctx.n)];
  for (const s of shares) decodeMessage(ctx, s.bytes, { kind: HeMessageKind.publicKeyShare, round: epoch, count: 1, from: s.from }, sum);
  const polys = new Float64Array(2 * ctx.n);
  polys.set(sum[0], 0);
  polys.set(a, ctx.n);
  const pk = ctx.seal.PublicKey();
  pk.loadArray(ctx.context, ctx.writePolys('publicKey', polys));
  return pk;
}
