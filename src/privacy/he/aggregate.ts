import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensors.js';
import { ciphertextCount, unflatten, type HeLayout } from './layout.js';
import { polysToNtt, type CkksContext } from './seal-context.js';
import { checkMessage, decodeMessage, encodeMessage, HeMessageKind } from './wire.js';

/** Total weight may exceed 1 by this much (float rounding of n_i / sum n). */
const WEIGHT_SLACK = 1e-9;

/**
 * The coordinator's running sum of encrypted contributions. It holds no key: it adds ciphertexts
 * coefficient-wise modulo q and can read nothing but the clear weights.
 */
export class HeAggregator {
  private readonly c0: Float64Array;
  private readonly c1: Float64Array;
  private readonly contributors = new Set<string>();
  private weightSum = 0;
  readonly count: number;

  constructor(
    private readonly ctx: CkksContext,
    readonly layout: HeLayout,
    readonly round: number,
  ) {
    this.count = ciphertextCount(layout, ctx.slots);
    this.c0 = new Float64Array(this.count * ctx.n);
    this.c1 = new Float64Array(this.count * ctx.n);
  }

  /** Check and add one site's contribution. Refuses duplicates and a total weight above 1 (the sum could wrap). */
  add(siteId: string, bytes: Uint8Array): void {
    if (this.contributors.has(siteId)) throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${siteId} sent two contributions in round ${this.round}`, { where: 'privacy/he', hint: 'one encrypted update per site and round' });
    const expect = { kind: HeMessageKind.contribution, round: this.round, count: this.count, layoutFingerprint: this.layout.fingerprint, from: siteId } as const;
    // Check the header first so that a bad message leaves the sum untouched.
    const header = checkMessage(this.ctx, bytes, expect);
    if (this.weightSum + header.weight > 1 + WEIGHT_SLACK) {
      throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${siteId}'s weight ${header.weight} brings the round's total weight above 1`, {
        where: 'privacy/he',
        hint: "weights are n_i / (sum of the round's n); a larger total could overflow the CKKS modulus",
      });
    }
    decodeMessage(this.ctx, bytes, expect, [this.c0, this.c1]);
    this.weightSum += header.weight;
    this.contributors.add(siteId);
  }

  get sites(): string[] {
    return [...this.contributors].sort();
  }

  get totalWeight(): number {
    return this.weightSum;
  }

  /** The message each key holder partially decrypts: the aggregate's c1 polynomials. */
  aggregateRequest(): Uint8Array {
    if (this.contributors.size === 0) throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `no encrypted contributions in round ${this.round}`, { where: 'privacy/he', hint: 'wait for at least one site' });
    return encodeMessage(this.ctx, { kind: HeMessageKind.aggregate, round: this.round, count: this.count, weight: 0, layoutFingerprint: this.layout.fingerprint }, [this.c1]);
  }

  /**
   * Combine the aggregate with every key holder's partial decryption (all of them: n-of-n) and
   * decode. Returns the example-weighted mean sum_i w_i x_i / sum_i w_i as named tensors.
   */
  decrypt(partials: readonly { from: string; bytes: Uint8Array }[], keyHolders: number): Map<string, Tensor> {
    if (partials.length !== keyHolders || new Set(partials.map((p) => p.from)).size !== keyHolders) {
      throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `decryption needs one partial decryption from each of the ${keyHolders} key holders, got ${partials.length}`, {
        where: 'privacy/he',
        hint: 'the secret key is shared n-of-n: every key holder must answer; retry the round if one dropped',
      });
    }
    const { ctx } = this;
    const m = [new Float64Array(this.c0)];
    for (const p of partials) decodeMessage(ctx, p.bytes, { kind: HeMessageKind.partialDecryption, round: this.round, count: this.count, from: p.from }, m);
    const mNtt = polysToNtt(ctx, m[0]);
    const values = new Float64Array(this.count * ctx.slots);
    const plain = ctx.seal.PlainText();
    try {
      for (let c = 0; c < this.count; c++) {
        plain.loadArray(ctx.context, ctx.writePolys('plaintext', mNtt.subarray(c * ctx.n, (c + 1) * ctx.n)));
        values.set(ctx.encoder.decode(plain).subarray(0, ctx.slots), c * ctx.slots);
      }
    } finally {
      plain.delete();
    }
    for (let i = 0; i < values.length; i++) values[i] /= this.weightSum;
    return unflatten(this.layout, values);
  }
}
