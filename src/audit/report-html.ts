import { escapeHtml as esc } from '../report/escape-html.js';
import { eventDetails, summarizeAuditLog, type AuditSummary } from './report-summary.js';
import { anchorNote } from './report-text.js';
import type { AuditVerifyReport } from './verify-types.js';

const css = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#1c2430;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d5dbe3;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f2f5f8}td.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:12px;word-break:break-all}
.verdict{padding:.8rem 1rem;border-radius:6px;font-weight:600}.ok{background:#e3f4e8;color:#17582d}.bad{background:#fde7e7;color:#8a1c1c}
tr.problem td{background:#fff4f4}.muted{color:#5b6675}`;

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}
const td = (v: unknown) => `<td>${esc(v)}</td>`;
const num = (v: unknown) => `<td class="num">${esc(v)}</td>`;
const code = (v: unknown) => `<td><code>${esc(v)}</code></td>`;

/** The audit review report as one self-contained HTML page (inline CSS, no scripts, all text escaped). */
export function auditReportHtml(report: AuditVerifyReport, source: string, generatedAt: string): string {
  const s = summarizeAuditLog(report);
  const verdict = report.ok
    ? `<p class="verdict ok">INTACT: all ${report.entryCount} entries verified${report.head ? ` · head seq ${esc(report.head.seq)}, sha256 <code>${esc(report.head.entrySha256)}</code>` : ''}</p>`
    : `<p class="verdict bad">TAMPERED: ${report.problems.length} problem(s) found</p>${table(['line', 'seq', 'problem', 'details'], report.problems.map((p) => [num(p.line), num(p.seq ?? '–'), td(p.kind), td(p.message)]))}`;
  const jobs = s.jobs.length === 0 ? '<p class="muted">No job events.</p>' : table(
    ['job', 'events', 'submitted', 'approved', 'refused', 'rounds ended', 'updates released', 'bytes released', 'ε spent', 'δ spent'],
    s.jobs.map((j) => [td(j.jobId), num(j.events), num(j.submitted), num(j.approved), num(j.refused), num(j.roundsEnded), num(j.updatesReleased), num(j.bytesReleased), num(j.epsilonSpent), num(j.deltaSpent)]));
  const updates = s.updates.length === 0 ? '<p class="muted">No updates released.</p>' : table(
    ['line', 'time (UTC)', 'job', 'round', 'bytes', 'sha256', 'filters applied'],
    s.updates.map((u) => [num(u.line), td(u.entry.ts), td(u.event.jobId), num(u.event.round), num(u.event.bytes), code(u.event.sha256), td(u.event.filters.join(', ') || '(none)')]));
  const entryRows = report.lines.map((l) => {
    const cells = l.entry
      ? [num(l.line), num(l.entry.seq), td(l.entry.ts), td(l.entry.node), td(l.entry.event.kind), td(eventDetails(l.entry.event)), td(l.ok ? 'ok' : 'PROBLEM')]
      : [num(l.line), num('–'), td('–'), td('–'), td('(unreadable)'), code(l.raw.slice(0, 200)), td('PROBLEM')];
    return `<tr${l.ok ? '' : ' class="problem"'}>${cells.join('')}</tr>`;
  });
  const entries = `<table><thead><tr>${['line', 'seq', 'time (UTC)', 'node', 'event', 'details', 'status'].map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${entryRows.join('')}</tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Audit report: ${esc(source)}</title><style>${css}</style></head><body>
<h1>Audit report: ${esc(source)}</h1>
<p class="muted">Node ${esc(report.node ?? '(empty log)')} · ${report.entryCount} entries · ${esc(s.firstTs ?? '–')} to ${esc(s.lastTs ?? '–')} · generated ${esc(generatedAt)}</p>
<h2>Verification</h2>${verdict}
<h2>Events by kind</h2>${table(['event', 'count'], s.countsByKind.map((c) => [td(c.kind), num(c.count)]))}
<h2>Jobs</h2>${jobs}
<h2>Updates released</h2>${updates}
<h2>Anchors</h2>${anchorSection(report, s)}
<h2>All entries</h2>${entries}
</body></html>
`;
}

/** The anchors of this log checked (verify --anchors), and the heads of other logs this log anchors. */
function anchorSection(report: AuditVerifyReport, s: AuditSummary): string {
  let out = '';
  if (report.anchors !== undefined) {
    out += `<p>Anchors of this log${esc(anchorNote(report).replace(/^; /, ': '))}.</p>`;
    if (report.anchors.length > 0) {
      out += `<table><thead><tr>${['anchored at', 'seq', 'entry sha256', 'check'].map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${report.anchors.map((a) =>
        `<tr${a.status === 'ok' ? '' : ' class="problem"'}>${[td(a.source), num(a.seq), code(a.entrySha256), td(a.status === 'ok' ? 'ok' : a.status === 'cut_off' ? 'CUT OFF' : 'MISMATCH')].join('')}</tr>`).join('')}</tbody></table>`;
    }
  }
  out += s.anchorsRecorded.length === 0 ? '<p class="muted">This log anchors no other node\'s head.</p>' : table(
    ['line', 'time (UTC)', 'node anchored', 'seq', 'entry sha256', 'signed by the node'],
    s.anchorsRecorded.map((a) => [num(a.line), td(a.entry.ts), td(a.event.anchoredNode), num(a.event.seq), code(a.event.entrySha256), td(a.event.signature ? `yes (cert sha256 ${a.event.certSha256?.slice(0, 16) ?? '?'}…)` : 'no')]));
  return out;
}
