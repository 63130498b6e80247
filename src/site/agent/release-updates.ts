import { createHash } from 'node:crypto';
import type { AuditEvent } from '../../audit/events.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { FitReplyMessage, SiteReply } from '../../core/messages.js';
import type { SitePolicyFile } from '../policy/site-policy.js';

/**
 * The last gate before a model update leaves the site: the policy's update filters are applied
 * (min-sample-count: no update from fewer than minSamplesPerUpdate records — it holds always,
 * named in the audit entry when the policy makes it mandatory) and the release is audited as
 * `update_released` with its size (weights and strategy extras), its sha256 (over the weights
 * then each extra in name order) and the filters applied. A withheld update becomes an error reply.
 */
export function releaseUpdate(reply: SiteReply, jobId: string, policy: SitePolicyFile, audit: (e: AuditEvent) => void): SiteReply {
  if (reply.kind !== 'fit') return reply;
  if (reply.numExamples < policy.minSamplesPerUpdate) {
    const error = new MedfedError(ErrorCodes.PRIVACY_THRESHOLD, `site ${reply.siteId} withholds its round ${reply.round} update: computed from ${reply.numExamples} records, its policy requires at least ${policy.minSamplesPerUpdate}`, {
      hint: 'the site policy (minSamplesPerUpdate) decides this; the job continues with the other sites',
    });
    return { kind: 'error', siteId: reply.siteId, error: error.toJSON() };
  }
  const { bytes, sha256 } = updateDigest(reply);
  const filters = ['min-sample-count', ...policy.mandatoryFilters.filter((f) => f !== 'min-sample-count')];
  audit({ kind: 'update_released', jobId, round: reply.round, bytes, sha256, filters });
  return reply;
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
