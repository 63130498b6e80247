import type { AuditEvent } from '../../audit/events.js';
import { certificateSha256, verifyAuditHead } from '../../audit/head-anchor.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { AuditHeadReply } from '../../core/messages.js';
import type { SiteConnection } from '../../transport/transport.js';
import { beforeDeadline } from '../round-deadline.js';
import type { SitePool } from './site-pool.js';

/** How long the coordinator waits for a site's audit head after a round. */
export const AUDIT_HEAD_DEADLINE_MS = 10_000;

export interface HeadAnchoring {
  readonly sites: SitePool;
  readonly audit: { append(event: AuditEvent): unknown };
  readonly signal?: AbortSignal;
}

export interface AnchorOutcome {
  /** Sites whose head was anchored (a head unchanged since its last anchor counts, and is not written again). */
  readonly anchored: string[];
  /** Sites whose head was not anchored, with the reason (the job goes on). */
  readonly refused: Record<string, string>;
}

/**
 * Anchors sites' audit-log heads in the coordinator's own log (docs/audit.md, *Anchoring*):
 * after a round, each site that replied is asked for its head ("audit-head"); the head's
 * signature is checked with the certificate the site authenticated with, then it is appended
 * as `head_anchored` (site, seq, entry hash, the site's signature and certificate hash). A head
 * that fails the check (or does not come) is not anchored and is reported; the job goes on.
 * Pools without certificates (in-memory sites keep no audit log) anchor nothing.
 */
export function headAnchoring(o: HeadAnchoring): (jobId: string, conns: readonly SiteConnection[]) => Promise<AnchorOutcome> {
  const lastAnchored = new Map<string, string>();
  return async (jobId, conns) => {
    const anchored: string[] = [];
    const refused: Record<string, string> = {};
    if (!o.sites.certificateOf) return { anchored, refused };
    const heads = await Promise.allSettled(conns.map((c) => headOf(c, jobId, o)));
    const sorted = conns.map((c, i) => ({ siteId: c.siteId, head: heads[i] })).sort((a, b) => a.siteId.localeCompare(b.siteId));
    for (const { siteId, head } of sorted) {
      if (head.status === 'rejected') {
        const e = head.reason as unknown;
        refused[siteId] = e instanceof MedfedError ? e.describe() : String(e);
        continue;
      }
      const h = head.value;
      const key = `${h.reply.seq}:${h.reply.entrySha256}`;
      if (lastAnchored.get(siteId) !== key) {
        await o.audit.append({ kind: 'head_anchored', anchoredNode: siteId, seq: h.reply.seq, entrySha256: h.reply.entrySha256, signature: h.reply.signature, certSha256: h.certSha256 });
        lastAnchored.set(siteId, key);
      }
      anchored.push(siteId);
    }
    return { anchored, refused };
  };
}

async function headOf(conn: SiteConnection, jobId: string, o: HeadAnchoring): Promise<{ reply: AuditHeadReply; certSha256: string }> {
  const reply = await beforeDeadline(conn.request({ kind: 'audit-head', jobId }), Date.now() + AUDIT_HEAD_DEADLINE_MS, `site ${conn.siteId} audit head`, o.signal);
  if (reply.kind === 'error') throw MedfedError.fromJSON(reply.error);
  if (reply.kind !== 'audit-head') throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${conn.siteId} answered "${reply.kind}" to "audit-head"`);
  if (reply.siteId !== conn.siteId) throw new MedfedError(ErrorCodes.SITE_FAILURE, `an audit head on site ${conn.siteId}'s connection claims to come from "${reply.siteId}"`);
  const cert = o.sites.certificateOf?.(conn.siteId);
  if (!cert) {
    throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${conn.siteId} has no authenticated certificate on its current connection: its audit head cannot be checked`, {
      hint: 'the site reconnected meanwhile; its head is anchored after the next round',
    });
  }
  await verifyAuditHead({ node: reply.siteId, seq: reply.seq, entrySha256: reply.entrySha256, signature: reply.signature }, cert, conn.siteId);
  return { reply, certSha256: certificateSha256(cert) };
}
