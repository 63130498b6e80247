import { ErrorCodes, MedfedError } from '../core/errors.js';
import { auditEntryHash, auditEntryLine, GENESIS_PREV, type AuditEntry } from './entry.js';
import { auditEventSchema, type AuditEvent } from './events.js';
import { formatZodIssues } from '../core/zod-errors.js';
import { signAuditEntry } from './sign.js';

/** Where a log stands: what the next entry must carry. */
export interface AuditHead {
  nextSeq: number;
  /** sha256 of the last entry (GENESIS_PREV for an empty log). */
  prev: string;
  /** Epoch milliseconds of the last entry (timestamps never go backwards). */
  lastMs: number;
}

export const EMPTY_AUDIT_HEAD: AuditHead = { nextSeq: 0, prev: GENESIS_PREV, lastMs: Number.NEGATIVE_INFINITY };

/** The head after `entry`: used to continue a log from its last entry. */
export function headAfter(entry: AuditEntry): AuditHead {
  return { nextSeq: entry.seq + 1, prev: auditEntryHash(entry), lastMs: Date.parse(entry.ts) };
}

export interface ChainedEntry {
  entry: AuditEntry;
  /** The JSONL line to append, newline included. */
  line: string;
  head: AuditHead;
}

/**
 * Build, check and sign the next entry of a log. The event is validated against its zod
 * schema; the timestamp is `nowMs`, or the last entry's time if the clock went backwards,
 * so that a log written by medfed never has timestamps going backwards.
 */
export function nextAuditEntry(head: AuditHead, node: string, event: AuditEvent, nowMs: number, privateKey: Uint8Array): ChainedEntry {
  const checked = auditEventSchema.safeParse(event);
  if (!checked.success) {
    throw new MedfedError(ErrorCodes.INTERNAL, `invalid audit event "${String((event as { kind?: unknown }).kind)}": ${formatZodIssues(checked.error, 'event')}`, {
      where: `audit entry seq ${head.nextSeq}`,
    });
  }
  if (node.length === 0) throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'an audit log needs a node id', { where: 'audit node' });
  const ms = Math.max(nowMs, head.lastMs);
  const entry = signAuditEntry({ seq: head.nextSeq, ts: new Date(ms).toISOString(), node, event: checked.data, prev: head.prev }, privateKey);
  return { entry, line: `${auditEntryLine(entry)}\n`, head: { nextSeq: entry.seq + 1, prev: auditEntryHash(entry), lastMs: ms } };
}
