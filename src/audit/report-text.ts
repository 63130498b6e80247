import type { AuditVerifyReport } from './verify-types.js';

/** The verification result as terminal text: one line per problem, naming line and seq; with anchors, how many were checked. */
export function formatAuditVerifyResult(report: AuditVerifyReport, source: string): string {
  const node = report.node === null ? '' : ` of node "${report.node}"`;
  if (report.ok) {
    const head = report.head ? `; head seq ${report.head.seq}, sha256 ${report.head.entrySha256}` : '';
    return `${source}: intact — ${report.entryCount} entries${node} verified${head}${anchorNote(report)}\n`;
  }
  const lines = report.problems.map((p) => `  line ${p.line}${p.seq === null ? '' : ` (seq ${p.seq})`}: ${p.kind}: ${p.message}`);
  return `${source}: TAMPERED — ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in ${report.entryCount} entries${node}${anchorNote(report)}\n${lines.join('\n')}\n`;
}

/** "; 3 anchors checked, 3 matched (highest seq 41)", or a warning that the anchor log holds none of this node. */
export function anchorNote(report: AuditVerifyReport): string {
  const a = report.anchors;
  if (a === undefined) return '';
  if (a.length === 0) return '; the anchor log holds no head of this node (nothing anchored: a cut-off end cannot be seen)';
  const ok = a.filter((x) => x.status === 'ok').length;
  return `; ${a.length} anchor${a.length === 1 ? '' : 's'} checked, ${ok} matched (highest anchored seq ${Math.max(...a.map((x) => x.seq))})`;
}
