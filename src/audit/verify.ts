import { auditEntryHash } from './entry.js';
import type { AuditPublicKeys } from './keys.js';
import { parseAuditLines, type ParsedAuditLine } from './parse-audit-lines.js';
import { auditSignatureValid } from './sign.js';
import { checkChainStructure, type ChainMember } from './verify-structure.js';
import { checkAnchors } from './verify-anchors.js';
import type { AuditLineResult, AuditProblem, AuditVerifyOptions, AuditVerifyReport } from './verify-types.js';

/**
 * Verify one node's audit log: every line parses, every entry's signature verifies with the
 * node's registered public key, seqs run 0, 1, 2… in file order with none missing or repeated,
 * each prev is the hash of the entry before, timestamps never go backwards, and (if given)
 * the heads anchored elsewhere are in the log. Each problem names its line and seq.
 * `input` is the file's text (a complete log ends with a newline) or its lines.
 */
export function verifyAuditLog(input: string | readonly string[], publicKeys: AuditPublicKeys | Readonly<Record<string, string>>, options: AuditVerifyOptions = {}): AuditVerifyReport {
  const keys: AuditPublicKeys = publicKeys instanceof Map ? publicKeys : new Map(Object.entries(publicKeys));
  const parsed = parseAuditLines(input);
  const problems: AuditProblem[] = parsed.flatMap((p) => (p.problem ? [p.problem] : []));
  const badLines = parsed.filter((p) => p.problem).map((p) => p.line);
  const wellFormed = parsed.filter((p): p is ParsedAuditLine & { entry: NonNullable<ParsedAuditLine['entry']> } => p.entry !== null && p.problem === null);
  const node = options.node ?? majorityNode(wellFormed);
  const members: ChainMember[] = [];

  const own = wellFormed.filter((p) => p.entry.node === node);
  const key = node === null ? undefined : keys.get(node);
  const valid = own.map((p) => key !== undefined && auditSignatureValid(p.entry, key));
  const checkable = key !== undefined && valid.some(Boolean);
  if (own.length > 0 && key === undefined) {
    problems.push({ kind: 'unknown_key', line: own[0].line, seq: own[0].entry.seq,
      message: `node "${node}" has no public key in the key registry: none of its ${own.length} entries (lines ${own[0].line}–${own[own.length - 1].line}) can be verified` });
  } else if (own.length > 0 && !checkable) {
    problems.push({ kind: 'key_mismatch', line: own[0].line, seq: own[0].entry.seq,
      message: `no entry verifies with the public key registered for node "${node}" (${key?.slice(0, 16)}…): the registry holds the wrong key, or every entry was altered` });
  }
  own.forEach((p, i) => {
    if (checkable && !valid[i]) {
      problems.push({ kind: 'edited', line: p.line, seq: p.entry.seq, message: `line ${p.line} (seq ${p.entry.seq}, ${describeEvent(p)}) was edited: its signature does not verify` });
      badLines.push(p.line);
      return;
    }
    members.push({ line: p.line, entry: p.entry });
    if (!p.eventValid) problems.push({ kind: 'malformed', line: p.line, seq: p.entry.seq, message: `line ${p.line} (seq ${p.entry.seq}) has an invalid event: ${p.eventError}` });
  });

  for (const p of wellFormed.filter((w) => w.entry.node !== node)) {
    const theirs = keys.get(p.entry.node);
    if (theirs !== undefined && auditSignatureValid(p.entry, theirs)) {
      problems.push({ kind: 'foreign_node', line: p.line, seq: p.entry.seq, message: `line ${p.line} (seq ${p.entry.seq}) is an entry of node "${p.entry.node}", not of "${node}": it was copied in from another log` });
    } else {
      problems.push({ kind: 'edited', line: p.line, seq: p.entry.seq, message: `line ${p.line} (seq ${p.entry.seq}) names node "${p.entry.node}" instead of "${node}" and its signature does not verify: it was edited` });
      badLines.push(p.line);
    }
  }

  problems.push(...checkChainStructure(members, badLines));
  const head = headOf(members);
  const anchored = node !== null && options.anchors ? checkAnchors(node, members, options.anchors, parsed.length) : null;
  if (anchored) problems.push(...anchored.problems);
  problems.sort((a, b) => a.line - b.line || (a.seq ?? -1) - (b.seq ?? -1));
  const report: AuditVerifyReport = { ok: problems.length === 0, node, entryCount: parsed.length, head, problems, lines: lineResults(parsed, problems) };
  return options.anchors ? { ...report, anchors: anchored?.checks ?? [] } : report;
}

function majorityNode(lines: readonly ParsedAuditLine[]): string | null {
  const counts = new Map<string, number>();
  for (const l of lines) if (l.entry) counts.set(l.entry.node, (counts.get(l.entry.node) ?? 0) + 1);
  let best: string | null = null;
  for (const [n, c] of counts) if (best === null || c > (counts.get(best) ?? 0)) best = n;
  return best;
}

function describeEvent(p: ParsedAuditLine): string {
  const kind = (p.entry?.event as { kind?: unknown } | undefined)?.kind;
  return typeof kind === 'string' ? kind : 'unknown event';
}

function headOf(members: readonly ChainMember[]): AuditVerifyReport['head'] {
  if (members.length === 0) return null;
  const top = members.reduce((a, b) => (b.entry.seq > a.entry.seq ? b : a));
  return { seq: top.entry.seq, entrySha256: auditEntryHash(top.entry) };
}

function lineResults(parsed: readonly ParsedAuditLine[], problems: readonly AuditProblem[]): AuditLineResult[] {
  const named = new Set(problems.filter((p) => p.kind !== 'deleted').map((p) => p.line));
  return parsed.map((p) => ({ line: p.line, raw: p.raw, entry: p.eventValid ? p.entry : null, ok: !named.has(p.line) }));
}
