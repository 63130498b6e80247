import { eventDetails, summarizeAuditLog, type AuditSummary } from './report-summary.js';
import { anchorNote } from './report-text.js';
import type { AuditVerifyReport } from './verify-types.js';

/** Markdown cell text: pipes and newlines escaped, HTML special characters neutralised. */
function cell(v: unknown): string {
  return String(v).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

function table(head: string[], rows: unknown[][]): string {
  const out = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.map(cell).join(' | ')} |`);
  return out.join('\n');
}

/** The audit review report as Markdown. */
export function auditReportMarkdown(report: AuditVerifyReport, source: string, generatedAt: string): string {
  const s = summarizeAuditLog(report);
  const parts: string[] = [`# Audit report: ${cell(source)}`, ''];
  parts.push(`Node: ${cell(report.node ?? '(empty log)')} · ${report.entryCount} entries · ${s.firstTs ?? '–'} to ${s.lastTs ?? '–'} · generated ${generatedAt}`, '');
  parts.push('## Verification', '');
  if (report.ok) parts.push(`**INTACT**: every entry verified${report.head ? `; head seq ${report.head.seq}, sha256 \`${report.head.entrySha256}\`` : ''}.`);
  else parts.push(`**TAMPERED**: ${report.problems.length} problem(s).`, '', table(['line', 'seq', 'problem', 'details'], report.problems.map((p) => [p.line, p.seq ?? '–', p.kind, p.message])));
  parts.push('', '## Events by kind', '', table(['event', 'count'], s.countsByKind.map((c) => [c.kind, c.count])));
  parts.push('', '## Jobs', '', s.jobs.length === 0 ? 'No job events.' : table(['job', 'events', 'submitted', 'approved', 'refused', 'rounds ended', 'updates released', 'bytes released', 'ε spent', 'δ spent'],
    s.jobs.map((j) => [j.jobId, j.events, j.submitted, j.approved, j.refused, j.roundsEnded, j.updatesReleased, j.bytesReleased, j.epsilonSpent, j.deltaSpent])));
  parts.push('', '## Updates released', '', s.updates.length === 0 ? 'No updates released.' : table(['line', 'time', 'job', 'round', 'bytes', 'sha256', 'filters applied'],
    s.updates.map((u) => [u.line, u.entry.ts, u.event.jobId, u.event.round, u.event.bytes, u.event.sha256, u.event.filters.join(', ') || '(none)'])));
  parts.push('', '## Anchors', '', ...anchorSections(report, s));
  parts.push('', '## All entries', '', table(['line', 'seq', 'time (UTC)', 'node', 'event', 'details', 'status'],
    report.lines.map((l) => l.entry
      ? [l.line, l.entry.seq, l.entry.ts, l.entry.node, l.entry.event.kind, eventDetails(l.entry.event), l.ok ? 'ok' : 'PROBLEM']
      : [l.line, '–', '–', '–', '(unreadable)', l.raw.slice(0, 120), 'PROBLEM'])));
  return `${parts.join('\n')}\n`;
}

/** The heads of other logs this log anchors, and the anchors of this log that were checked (verify --anchors). */
function anchorSections(report: AuditVerifyReport, s: AuditSummary): string[] {
  const out: string[] = [];
  if (report.anchors !== undefined) {
    out.push(`Anchors of this log${cell(anchorNote(report).replace(/^; /, ': '))}.`, '');
    if (report.anchors.length > 0) out.push(table(['anchored at', 'seq', 'entry sha256', 'check'], report.anchors.map((a) => [a.source, a.seq, a.entrySha256, a.status === 'ok' ? 'ok' : a.status === 'cut_off' ? 'CUT OFF' : 'MISMATCH'])), '');
  }
  out.push(s.anchorsRecorded.length === 0 ? 'This log anchors no other node\'s head.' : table(['line', 'time (UTC)', 'node anchored', 'seq', 'entry sha256', 'signed by the node'],
    s.anchorsRecorded.map((a) => [a.line, a.entry.ts, a.event.anchoredNode, a.event.seq, a.event.entrySha256, a.event.signature ? `yes (cert sha256 ${a.event.certSha256?.slice(0, 16) ?? '?'}…)` : 'no'])));
  return out;
}
