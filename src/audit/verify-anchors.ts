import { auditEntryHash, type AuditEntry } from './entry.js';
import { maxSeqOf, type ChainMember } from './verify-structure.js';
import type { AuditAnchor, AuditAnchorCheck, AuditProblem } from './verify-types.js';

/**
 * Check a log against the heads of it anchored in another log: the entry with the anchored
 * seq must exist and hash to the anchored value. Anchors beyond the log's last seq mean
 * entries were cut off the end, the one tampering the chain alone cannot show: that is one
 * problem, naming the range up to the highest anchored seq. Returns the problems and, per
 * anchor of this node, how it checked.
 */
export function checkAnchors(node: string, members: readonly ChainMember[], anchors: readonly AuditAnchor[], lineCount: number): { problems: AuditProblem[]; checks: AuditAnchorCheck[] } {
  const bySeq = new Map(members.map((m) => [m.entry.seq, m]));
  const lastSeq = maxSeqOf(bySeq);
  const problems: AuditProblem[] = [];
  const checks: AuditAnchorCheck[] = [];
  for (const a of anchors.filter((x) => x.node === node)) {
    const m = bySeq.get(a.seq);
    if (a.seq > lastSeq) {
      checks.push({ ...a, status: 'cut_off' });
    } else if (m && auditEntryHash(m.entry) !== a.entrySha256) {
      checks.push({ ...a, status: 'mismatch' });
      problems.push({ kind: 'anchor_mismatch', line: m.line, seq: a.seq,
        message: `line ${m.line} (seq ${a.seq}) does not match the hash ${a.entrySha256.slice(0, 16)}… anchored at ${a.source}: the log was replaced from this entry on` });
    } else {
      // An anchored seq the verifier cannot find inside the log is already named (deleted or edited).
      checks.push({ ...a, status: m ? 'ok' : 'mismatch' });
    }
  }
  const beyond = checks.filter((c) => c.status === 'cut_off');
  if (beyond.length > 0) {
    const top = beyond.reduce((a, b) => (b.seq > a.seq ? b : a));
    const more = beyond.length > 1 ? ` (${beyond.length} anchors lie beyond its end)` : '';
    problems.push({ kind: 'anchor_mismatch', line: lineCount + 1, seq: top.seq,
      message: `${top.source} anchored seq ${top.seq} of "${node}", but ${lastSeq < 0 ? 'this log has no entry' : `this log ends at seq ${lastSeq}`}: ${top.seq === lastSeq + 1 ? `entry seq ${top.seq} was` : `entries seq ${lastSeq + 1}–${top.seq} were`} cut off its end${more}` });
  }
  return { problems, checks };
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
