import { z } from 'zod';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalBytes } from './canonical-json.js';
import { auditEventSchema, type AuditEvent } from './events.js';

/** The `prev` of the first entry of a log. */
export const GENESIS_PREV = '0'.repeat(64);

/** UTC ISO-8601 with milliseconds and Z, as Date.prototype.toISOString writes it. */
export const AUDIT_TS_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface UnsignedAuditEntry {
  /** 0, 1, 2, … consecutive within one node's log. */
  seq: number;
  /** UTC time the entry was written, e.g. "2025-03-01T09:30:00.123Z". */
  ts: string;
  /** The id of the node whose log this is and whose key signs it. */
  node: string;
  event: AuditEvent;
  /** sha256 (hex) of the previous entry's canonical bytes (signature included); GENESIS_PREV for seq 0. */
  prev: string;
}

export interface AuditEntry extends UnsignedAuditEntry {
  /** Ed25519 signature (hex, 128 chars) by the node's key over the canonical bytes of the entry without `sig`. */
  sig: string;
}

const hex = (len: number) => z.string().regex(new RegExp(`^[0-9a-f]{${len}}$`), `expected ${len} lowercase hex characters`);

/** The entry envelope; the event is checked separately so a bad event is reported as such. */
export const auditEnvelopeSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  ts: z.string().regex(AUDIT_TS_PATTERN, 'expected UTC ISO-8601 with milliseconds, e.g. 2025-03-01T09:30:00.123Z')
    .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date'),
  node: z.string().min(1),
  event: z.unknown(),
  prev: hex(64),
  sig: hex(128),
});

export const auditEntrySchema = auditEnvelopeSchema.extend({ event: auditEventSchema });

/** The bytes that are signed: the canonical JSON of the entry without `sig`. */
export function signedBytes(entry: UnsignedAuditEntry): Uint8Array {
  const { seq, ts, node, event, prev } = entry;
  return canonicalBytes({ seq, ts, node, event, prev });
}

/** sha256 (hex) of the entry's canonical bytes, signature included: the next entry's `prev`. */
export function auditEntryHash(entry: AuditEntry): string {
  return bytesToHex(sha256(canonicalBytes(entry)));
}

/** One JSONL line (without the newline): the canonical JSON of the signed entry. */
export function auditEntryLine(entry: AuditEntry): string {
  return new TextDecoder().decode(canonicalBytes(entry));
}
