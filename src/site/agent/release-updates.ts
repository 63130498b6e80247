import { createHash } from 'node:crypto';
import type { AuditEvent } from '../../audit/events.js';
import { packWeights, unpackWeights } from '../../core/codec.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { FitReplyMessage, SiteReply } from '../../core/messages.js';
import type { Weights } from '../../core/tensors.js';
import type { FilterSpec } from '../../privacy/filters/spec.js';
import { applyReleaseChain, releaseChain, type AppliedFilterRecord } from '../policy/release-chain.js';
import type { SitePolicyFile } from '../policy/site-policy.js';

/** What the release gate needs besides the reply: the job, the global model the site trained from, the filters. */
export interface ReleaseContext {
  readonly jobId: string;
  /** The global weights of the fit request (safetensors), the reference the filters' deltas are taken against. */
  readonly global: Uint8Array;
  /** The site's current policy: minSamplesPerUpdate and its mandatory filters. */
  readonly policy: Pick<SitePolicyFile, 'filters' | 'minSamplesPerUpdate'>;
  /** Extra filters from the job spec (`filters`), applied before the site's own. */
  readonly jobFilters?: readonly FilterSpec[];
  readonly audit: (e: AuditEvent) => void;
}

/**
 * The last gate before a model update leaves the site. The min-sample-count rule: no update
 * computed from fewer than minSamplesPerUpdate records (the update is withheld, an error reply).
 * Then the filter chain (the job's extra filters, then the policy's mandatory ones) runs on the
 * weights against the global model, and the release is audited as `update_released` with its
 * size (weights and strategy extras), its sha256 (over the weights then each extra in name
 * order), the rule and filter names in order, and each filter's record (options, measured
 * effect, site or job). A filter that fails (a non-finite delta, a layout mismatch) throws:
 * nothing leaves. Weights the filters left bit-for-bit unchanged are sent as they came.
 */
export function releaseUpdate(reply: SiteReply, ctx: ReleaseContext): SiteReply {
  if (reply.kind !== 'fit') return reply;
  const { policy } = ctx;
  if (reply.numExamples < policy.minSamplesPerUpdate) {
    const error = new MedfedError(ErrorCodes.PRIVACY_THRESHOLD, `site ${reply.siteId} withholds its round ${reply.round} update: computed from ${reply.numExamples} records, its policy requires at least ${policy.minSamplesPerUpdate}`, {
      hint: 'the site policy (minSamplesPerUpdate) decides this; the job continues with the other sites',
    });
    return { kind: 'error', siteId: reply.siteId, error: error.toJSON() };
  }
  const { released, applied } = filterReply(reply, ctx);
  const { bytes, sha256 } = updateDigest(released);
  const filters = ['min-sample-count', ...applied.map((r) => r.filter)];
  ctx.audit({ kind: 'update_released', jobId: ctx.jobId, round: reply.round, bytes, sha256, filters, applied });
  return released;
}

function filterReply(reply: FitReplyMessage, ctx: ReleaseContext): { released: FitReplyMessage; applied: AppliedFilterRecord[] } {
  const chain = releaseChain(ctx.policy, ctx.jobFilters);
  if (chain.length === 0) return { released: reply, applied: [] };
  const weights = unpackWeights(reply.weights, `site ${reply.siteId} round ${reply.round} update`);
  const global = unpackWeights(ctx.global, `global model (round ${reply.round})`);
  const { update, records } = applyReleaseChain(chain, { weights, global, numExamples: reply.numExamples }, { round: reply.round });
  const released = sameValues(weights, update.weights) ? reply : { ...reply, weights: packWeights(update.weights) };
  return { released, applied: records };
}

/** Bit-for-bit equal values (the same names by construction: the filters keep the layout). */
function sameValues(a: Weights, b: Weights): boolean {
  for (const [name, t] of a) {
    const u = b.get(name)!.data;
    const x = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    const y = new Uint32Array(u.buffer, u.byteOffset, u.length);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

/** Size and sha256 of everything an update carries off the site. */
export function updateDigest(reply: FitReplyMessage): { bytes: number; sha256: string } {
  const h = createHash('sha256');
  let bytes = 0;
  const add = (b: Uint8Array) => {
    h.update(b);
    bytes += b.byteLength;
  };
  add(reply.weights);
  for (const k of Object.keys(reply.extra).sort()) add(reply.extra[k]);
  return { bytes, sha256: h.digest('hex') };
}
