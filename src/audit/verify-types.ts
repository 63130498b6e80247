import type { AuditEntry } from './entry.js';

export type AuditProblemKind =
  /** A line that is not a JSON audit entry, or whose event does not fit its kind's schema. */
  | 'malformed'
  /** The last line was cut off (no line end, or incomplete JSON). */
  | 'truncated'
  /** The entry's own signature fails: its content was changed after it was written. */
  | 'edited'
  /** No entry verifies with the registered public key: wrong key, or every entry altered. */
  | 'key_mismatch'
  /** The log's node has no public key in the registry, so nothing can be verified. */
  | 'unknown_key'
  /** One or more seq numbers are missing: entries were deleted. */
  | 'deleted'
  /** seq decreases from one line to the next: entries were moved or swapped. */
  | 'reordered'
  /** The same seq appears twice: an entry was copied (replayed). */
  | 'duplicated'
  /** A signed entry's hash is not the prev its successor recorded. */
  | 'chain_broken'
  /** An entry's timestamp is earlier than its predecessor's. */
  | 'time_backwards'
  /** A validly signed entry of another node was put into this log. */
  | 'foreign_node'
  /** The log ends before, or differs from, a head recorded (anchored) in another log. */
  | 'anchor_mismatch';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** 1-based line number of the entry the problem is about. */
  line: number;
  /** That entry's seq (for a deletion: the first missing seq), null when unreadable. */
  seq: number | null;
  /** What is wrong, naming the lines and seqs involved. */
  message: string;
  /** The other entry involved (the one it was swapped with, the successor whose prev does not match…). */
  relatedLine?: number;
  relatedSeq?: number;
}

export interface AuditLineResult {
  line: number;
  /** The raw text of the line. */
  raw: string;
  /** The entry when the line parses as a well-formed entry (its signature may still fail). */
  entry: AuditEntry | null;
  /** True when no problem names this line. */
  ok: boolean;
}

/** A log head recorded in another log (the coordinator's) by a `head_anchored` event. */
export interface AuditAnchor {
  node: string;
  seq: number;
  entrySha256: string;
  /** Where the anchor was recorded, for messages: "coordinator.audit.jsonl:12". */
  source: string;
}

/** How one anchor of this log checked: `ok` (the entry is there with that hash), `cut_off` (the log ends before it), `mismatch` (another entry, or none, at that seq). */
export interface AuditAnchorCheck extends AuditAnchor {
  status: 'ok' | 'cut_off' | 'mismatch';
}

export interface AuditVerifyReport {
  ok: boolean;
  /** The node whose log this is (the id most entries carry), null for an empty log. */
  node: string | null;
  /** Non-empty lines in the log. */
  entryCount: number;
  /** Highest seq and its entry hash among verified entries: the value to anchor. */
  head: { seq: number; entrySha256: string } | null;
  problems: AuditProblem[];
  lines: AuditLineResult[];
  /** With `anchors`: each anchor of this log's node and how it checked (empty: none of the anchors is of this node). */
  anchors?: AuditAnchorCheck[];
}

export interface AuditVerifyOptions {
  /** The node this log must belong to (default: the id most entries carry). */
  node?: string;
  /** Heads of this log recorded elsewhere; the log must contain each of them. */
  anchors?: readonly AuditAnchor[];
  /** Where the log came from, for messages (a file path). */
  source?: string;
}
