import { auditEntryHash, type AuditEntry } from './entry.js';
import { maxSeqOf, type ChainMember } from './verify-structure.js';
import type { AuditAnchor, AuditProblem } from './verify-types.js';

/**
 * Check a log against the heads of it anchored in another log: the entry with the anchored
 * seq must exist and hash to the anchored value. An anchor beyond the log's last seq means
 * entries were cut off the end: the one tampering the chain alone cannot show.
 */
export function checkAnchors(node: string, members: readonly ChainMember[], anchors: readonly AuditAnchor[], lineCount: number): AuditProblem[] {
  const bySeq = new Map(members.map((m) => [m.entry.seq, m]));
  const lastSeq = maxSeqOf(bySeq);
  const problems: AuditProblem[] = [];
  for (const a of anchors.filter((x) => x.node === node)) {
    const m = bySeq.get(a.seq);
    if (a.seq > lastSeq) {
      problems.push({ kind: 'anchor_mismatch', line: lineCount + 1, seq: a.seq,
        message: `${a.source} anchored seq ${a.seq} of "${node}", but this log ends at seq ${lastSeq}: entries seq ${lastSeq + 1}–${a.seq} were cut off its end` });
    } else if (m && auditEntryHash(m.entry) !== a.entrySha256) {
      problems.push({ kind: 'anchor_mismatch', line: m.line, seq: a.seq,
        message: `line ${m.line} (seq ${a.seq}) does not match the hash ${a.entrySha256.slice(0, 16)}… anchored at ${a.source}: the log was replaced from this entry on` });
    }
  }
  return problems;
}

/** The anchors of other nodes' heads recorded in a (verified) log, e.g. the coordinator's. */
export function anchorsInLog(lines: readonly { line: number; entry: AuditEntry | null; ok: boolean }[], source: string): AuditAnchor[] {
  const out: AuditAnchor[] = [];
  for (const l of lines) {
    const ev = l.entry?.event;
    if (l.ok && ev?.kind === 'head_anchored') out.push({ node: ev.anchoredNode, seq: ev.seq, entrySha256: ev.entrySha256, source: `${source}:${l.line}` });
  }
  return out;
}
