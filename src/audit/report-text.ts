import type { AuditVerifyReport } from './verify-types.js';

/** The verification result as terminal text: one line per problem, naming line and seq. */
export function formatAuditVerifyResult(report: AuditVerifyReport, source: string): string {
  const node = report.node === null ? '' : ` of node "${report.node}"`;
  if (report.ok) {
    const head = report.head ? `; head seq ${report.head.seq}, sha256 ${report.head.entrySha256}` : '';
    return `${source}: intact — ${report.entryCount} entries${node} verified${head}\n`;
  }
  const lines = report.problems.map((p) => `  line ${p.line}${p.seq === null ? '' : ` (seq ${p.seq})`}: ${p.kind}: ${p.message}`);
  return `${source}: TAMPERED — ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in ${report.entryCount} entries${node}\n${lines.join('\n')}\n`;
}
