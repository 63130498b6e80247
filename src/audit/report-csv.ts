import { eventDetails } from './report-summary.js';
import type { AuditVerifyReport } from './verify-types.js';

/** RFC 4180 field; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
function field(v: unknown): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per line of the log, with its verification status and the problems naming it. */
export function auditReportCsv(report: AuditVerifyReport): string {
  const rows = [['line', 'seq', 'ts', 'node', 'event', 'job', 'details', 'status', 'problems']];
  for (const l of report.lines) {
    const problems = report.problems.filter((p) => p.line === l.line).map((p) => `${p.kind}: ${p.message}`).join('; ');
    const e = l.entry;
    const job = e && 'jobId' in e.event ? e.event.jobId : '';
    rows.push(e
      ? [String(l.line), String(e.seq), e.ts, e.node, e.event.kind, job, eventDetails(e.event), l.ok ? 'ok' : 'problem', problems]
      : [String(l.line), '', '', '', '', '', l.raw, 'problem', problems]);
  }
  return `${rows.map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
