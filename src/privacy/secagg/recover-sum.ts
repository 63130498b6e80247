import { combine } from 'shamir-secret-sharing';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { bytesEqual, wordsLE } from './bytes.js';
import type { SecAggConfig } from './config.js';
import { pairKey, publicKeyOf } from './keys.js';
import { addMask } from './prg.js';

/** What the server knows when it removes the masks. */
export interface RecoveryInput {
  config: SecAggConfig;
  threshold: number;
  graph: Map<string, string[]>;
  sPublicKeys: Map<string, Uint8Array>;
  /** Clients that completed stage 1 (shared keys). */
  shared: ReadonlySet<string>;
  /** Clients whose masked input arrived (stage 2), with the vectors. */
  masked: Map<string, Uint8Array>;
  /** Revealed shares, by the client whose secret they share. */
  sKeyShares: Map<string, Uint8Array[]>;
  selfMaskShares: Map<string, Uint8Array[]>;
}

/** Reconstruct secrets with Shamir, regenerate masks, return the unmasked sum mod 2^b. */
export async function recoverQuantisedSum(r: RecoveryInput): Promise<Uint32Array> {
  const survivors = [...r.masked.keys()].sort();
  const droppedAfterSharing = [...r.shared].filter((id) => !r.masked.has(id)).sort();
  // Only dropped clients that some survivor masked with need their s key back.
  const needKey = droppedAfterSharing.filter((j) => (r.graph.get(j) ?? []).some((i) => r.masked.has(i)));
  const short = [
    ...survivors.filter((id) => (r.selfMaskShares.get(id)?.length ?? 0) < r.threshold).map((id) => `${id} (self-mask seed)`),
    ...needKey.filter((id) => (r.sKeyShares.get(id)?.length ?? 0) < r.threshold).map((id) => `${id} (mask key)`),
  ];
  if (short.length > 0) {
    throw new MedfedError(
      ErrorCodes.QUORUM_NOT_MET,
      `secure aggregation cannot be unmasked: fewer than ${r.threshold} shares arrived for the secrets of ${short.join(', ')}`,
      { where: `secagg/round ${r.config.round}`, hint: 'too many neighbours dropped during unmasking; rerun the round' },
    );
  }
  const bits = r.config.modulusBits;
  const acc = new Uint32Array(r.config.dimension);
  const modMask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  for (const id of survivors) {
    const words = wordsLE(r.masked.get(id)!);
    for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] + words[i]) & modMask;
  }
  const scratch = new Uint8Array(4 * acc.length);
  for (const id of survivors) {
    const seed = await combine(r.selfMaskShares.get(id)!.slice(0, r.threshold));
    addMask(acc, seed, -1, bits, scratch);
  }
  for (const j of needKey) {
    const sKey = await combine(r.sKeyShares.get(j)!.slice(0, r.threshold));
    if (!bytesEqual(publicKeyOf(sKey), r.sPublicKeys.get(j)!)) {
      throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `the s key of ${j} rebuilt from shares does not match its advertised public key (a share was corrupted)`, {
        where: `secagg/round ${r.config.round}`,
      });
    }
    for (const i of r.graph.get(j) ?? []) {
      if (!r.masked.has(i)) continue;
      const key = pairKey(sKey, r.sPublicKeys.get(i)!, 'pairwise-mask', r.config.round, j, i);
      // Survivor i added +mask when i < j and -mask otherwise; undo it.
      addMask(acc, key, i < j ? -1 : 1, bits, scratch);
    }
  }
  return acc;
}
