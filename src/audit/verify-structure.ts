import { auditEntryHash, GENESIS_PREV, type AuditEntry } from './entry.js';
import type { AuditProblem } from './verify-types.js';

/** A well-formed entry whose signature verified (or could not be checked): a member of the chain. */
export interface ChainMember {
  line: number;
  entry: AuditEntry;
}

/**
 * Check the order and links of the chain members: duplicated seqs, seqs going down in file
 * order (moved or swapped entries), missing seqs (deleted entries), prev links and timestamps.
 * `badLines` are lines that hold an unreadable or altered entry: each one stands for one
 * entry, so a missing seq at its place is reported there, not as a deletion.
 */
export function checkChainStructure(members: readonly ChainMember[], badLines: readonly number[]): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const bySeq = new Map<number, ChainMember>();
  const ordered: ChainMember[] = [];
  for (const m of members) {
    const first = bySeq.get(m.entry.seq);
    if (first) {
      problems.push({ kind: 'duplicated', line: m.line, seq: m.entry.seq, relatedLine: first.line, relatedSeq: first.entry.seq,
        message: `line ${m.line} repeats seq ${m.entry.seq} of line ${first.line}: an entry was copied into the log` });
      continue;
    }
    bySeq.set(m.entry.seq, m);
    ordered.push(m);
  }
  for (let i = 1; i < ordered.length; i++) {
    const [a, b] = [ordered[i - 1], ordered[i]];
    if (b.entry.seq < a.entry.seq) {
      problems.push({ kind: 'reordered', line: b.line, seq: b.entry.seq, relatedLine: a.line, relatedSeq: a.entry.seq,
        message: `line ${b.line} (seq ${b.entry.seq}) comes after line ${a.line} (seq ${a.entry.seq}): seq decreases, entries were moved or swapped` });
    }
  }
  problems.push(...missingSeqs(bySeq, badLines), ...brokenLinks(bySeq));
  return problems;
}

function missingSeqs(bySeq: Map<number, ChainMember>, badLines: readonly number[]): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const seqs = [...bySeq.keys()].sort((x, y) => x - y);
  // walk the gaps between present seqs (not every integer: a forged seq can be huge)
  seqs.forEach((seq, i) => {
    const a = i === 0 ? 0 : seqs[i - 1] + 1;
    const b = seq - 1;
    if (b < a) return;
    const before = bySeq.get(a - 1);
    const after = bySeq.get(seq) as ChainMember;
    const lo = Math.min(before?.line ?? 0, after.line);
    const hi = Math.max(before?.line ?? 0, after.line);
    const standIns = badLines.filter((l) => l > lo && l < hi).length;
    if (standIns >= b - a + 1) return;
    const which = a === b ? `entry seq ${a} is missing` : `entries seq ${a}–${b} are missing`;
    const jump = before ? `seq jumps from ${a - 1} (line ${before.line}) to ${seq} (line ${after.line})` : `the log starts at seq ${seq} (line ${after.line})`;
    const link = before && after.entry.prev !== auditEntryHash(before.entry) ? ` and the prev of seq ${seq} does not match the hash of seq ${a - 1}` : '';
    problems.push({ kind: 'deleted', line: after.line, seq: a, relatedLine: before?.line, relatedSeq: before?.entry.seq,
      message: `${which} (deleted) before line ${after.line}: ${jump}${link}` });
  });
  return problems;
}

function brokenLinks(bySeq: Map<number, ChainMember>): AuditProblem[] {
  const problems: AuditProblem[] = [];
  for (const [seq, m] of bySeq) {
    if (seq === 0) {
      if (m.entry.prev !== GENESIS_PREV) {
        problems.push({ kind: 'chain_broken', line: m.line, seq, message: `line ${m.line} (seq 0) does not start a chain: its prev is not ${GENESIS_PREV.slice(0, 8)}… (64 zeros); earlier entries were cut off` });
      }
      continue;
    }
    const p = bySeq.get(seq - 1);
    if (!p) continue;
    if (m.entry.prev !== auditEntryHash(p.entry)) {
      problems.push({ kind: 'chain_broken', line: p.line, seq: p.entry.seq, relatedLine: m.line, relatedSeq: seq,
        message: `line ${p.line} (seq ${p.entry.seq}) does not hash to the prev recorded by line ${m.line} (seq ${seq}): one of them was changed, or they come from two diverging copies of the log` });
    }
    if (Date.parse(m.entry.ts) < Date.parse(p.entry.ts)) {
      problems.push({ kind: 'time_backwards', line: m.line, seq, relatedLine: p.line, relatedSeq: p.entry.seq,
        message: `line ${m.line} (seq ${seq}) has time ${m.entry.ts}, earlier than ${p.entry.ts} of line ${p.line} (seq ${p.entry.seq})` });
    }
  }
  return problems;
}

/** Highest seq (-1 for none), without spreading: logs can hold more entries than a call's argument limit. */
export function maxSeqOf(bySeq: ReadonlyMap<number, unknown>): number {
  let max = -1;
  for (const s of bySeq.keys()) if (s > max) max = s;
  return max;
}
