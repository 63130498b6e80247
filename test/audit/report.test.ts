import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateAuditKeyPair } from '../../src/audit/keys.js';
import { auditReportHtml } from '../../src/audit/report-html.js';
import { auditReportMarkdown } from '../../src/audit/report-markdown.js';
import { auditReportCsv } from '../../src/audit/report-csv.js';
import { summarizeAuditLog } from '../../src/audit/report-summary.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { openAuditLog } from '../../src/node/audit-file.js';
import { sampleEvents, steppingClock } from './helpers.js';

function sampleReport(extra: Parameters<ReturnType<typeof openAuditLog>['append']>[0][] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-audit-'));
  const keys = generateAuditKeyPair();
  const path = join(dir, 'site.jsonl');
  const w = openAuditLog(path, { node: 'site-a', privateKey: keys.privateKey, now: steppingClock() });
  for (const e of [...sampleEvents(), ...extra]) w.append(e);
  w.close();
  return verifyAuditLog(readFileSync(path, 'utf8'), { 'site-a': keys.publicKey });
}

test('the summary counts events per kind and per job (expected values counted by hand from the sample)', () => {
  const s = summarizeAuditLog(sampleReport());
  const counts = Object.fromEntries(s.countsByKind.map((c) => [c.kind, c.count]));
  assert.deepEqual(counts, { enrolment: 1, connection_refused: 1, job_submitted: 3, job_approved: 2, job_refused: 1, round_started: 3, round_ended: 3,
    update_released: 3, admin_action: 1, privacy_budget_spent: 2, head_anchored: 0 });
  assert.deepEqual(s.jobs.map((j) => [j.jobId, j.events, j.submitted, j.approved, j.refused, j.roundsEnded, j.updatesReleased, j.bytesReleased, j.epsilonSpent]), [
    ['heart-1', 10, 1, 1, 0, 2, 2, 10240, 0.75],
    ['heart-3', 5, 1, 1, 0, 1, 1, 700, 0],
    ['mnist-2', 2, 1, 0, 1, 0, 0, 0, 0],
  ]);
  assert.deepEqual(s.updates.map((u) => [u.line, u.event.round, u.event.filters]), [[6, 0, ['clip-norm', 'gaussian-dp']], [10, 1, ['clip-norm', 'gaussian-dp']], [19, 0, []]]);
  assert.equal(s.firstTs, '2025-03-01T09:00:00.000Z');
});

test('HTML report is self-contained and escapes every text from the log', () => {
  const evil = '<script>alert("x")</script> & <img src=x onerror=y>';
  const html = auditReportHtml(sampleReport([{ kind: 'admin_action', actor: evil, action: 'rename', target: `"'${evil}` }]), 'logs/<site>.jsonl', '2025-03-02T00:00:00.000Z');
  assert.equal(html.includes('<script'), false);
  assert.equal(html.includes('<img'), false);
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &lt;img/);
  assert.match(html, /<title>Audit report: logs\/&lt;site&gt;\.jsonl<\/title>/);
  assert.equal(/(src|href)=["']?(https?:|\/\/)/.test(html), false, 'no external resources');
  assert.match(html, /<style>/);
  assert.ok(html.indexOf('Verification') < html.indexOf('Events by kind') && html.indexOf('Updates released') < html.indexOf('All entries'));
  assert.match(html, /clip-norm, gaussian-dp/);
});

test('Markdown escapes pipes and angle brackets; CSV quotes fields and defuses formulas', () => {
  const r = sampleReport([{ kind: 'admin_action', actor: 'a|b', action: '=HYPERLINK("http://x")', target: 'line1, "q"' }]);
  const md = auditReportMarkdown(r, 'site.jsonl', 'now');
  assert.match(md, /actor=a\\\|b/);
  const csv = auditReportCsv(r).trimEnd().split('\r\n');
  assert.equal(csv.length, 22);
  assert.equal(csv[0], 'line,seq,ts,node,event,job,details,status,problems');
  assert.equal(csv[21], `21,20,2025-03-01T09:00:30.000Z,site-a,admin_action,,"action==HYPERLINK(""http://x""), actor=a|b, target=line1, ""q""",ok,`);
  assert.match(csv[6], /^6,5,.*,update_released,heart-1,"bytes=5120, filters=clip-norm\+gaussian-dp, jobId=heart-1, round=0, sha256=a{64}",ok,$/);
});
