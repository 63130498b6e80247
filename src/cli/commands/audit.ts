import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { anchorsInLog } from '../../audit/verify-anchors.js';
import { verifyAuditLog } from '../../audit/verify.js';
import { formatAuditVerifyResult } from '../../audit/report-text.js';
import { auditReportHtml } from '../../audit/report-html.js';
import { auditReportMarkdown } from '../../audit/report-markdown.js';
import { auditReportCsv } from '../../audit/report-csv.js';
import type { AuditVerifyReport } from '../../audit/verify-types.js';
import { readAuditLogText } from '../../node/audit-file.js';
import { readAuditPublicKeysFile, writeAuditKeyPair } from '../../node/audit-keys.js';

type Write = (text: string) => void;
const toStdout: Write = (t) => void process.stdout.write(t);

export interface AuditVerifyCliOptions {
  keys: string;
  /** Another log (the coordinator's) whose head_anchored entries this log must contain. */
  anchors?: string;
}

/** Verify a log and its anchors; prints the result. Returns 0 when intact, 1 when not. Throws MedfedError on unusable input. */
export function runAuditVerify(log: string, opts: AuditVerifyCliOptions, write: Write = toStdout): number {
  const reports = verifyWithAnchors(log, opts);
  for (const r of reports) write(formatAuditVerifyResult(r.report, r.source));
  return reports.every((r) => r.report.ok) ? 0 : 1;
}

export interface AuditExportCliOptions extends AuditVerifyCliOptions {
  /** Report files; the format follows the extension: .html, .md or .csv. */
  out: string[];
}

/** Write the review report(s) of a log. Returns 0 when the log is intact, 1 when not (the report is written either way). */
export function runAuditExport(log: string, opts: AuditExportCliOptions, write: Write = toStdout): number {
  if (opts.out.length === 0) throw usage('audit export needs --out FILE (.html, .md or .csv)', '--out');
  const render = opts.out.map((file) => ({ file, render: rendererFor(file) }));
  const reports = verifyWithAnchors(log, opts);
  const { report } = reports[0];
  const generatedAt = new Date().toISOString();
  for (const { file, render: r } of render) {
    try {
      writeFileSync(file, r(report, log, generatedAt));
    } catch (e) {
      throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot write ${file}: ${(e as Error).message}`, { where: file, cause: e });
    }
    write(`wrote ${file}\n`);
  }
  for (const r of reports) write(formatAuditVerifyResult(r.report, r.source));
  return reports.every((r) => r.report.ok) ? 0 : 1;
}

/** Create a node's audit key pair in a folder and add it to the folder's audit-keys.json. */
export function runAuditKeygen(opts: { node: string; out: string }, write: Write = toStdout): number {
  const k = writeAuditKeyPair(opts.out, opts.node);
  write(`private key ${k.privateKeyPath} (mode 0600: keep it on node "${opts.node}" only)\npublic key  ${k.publicKeyPath}: ${k.publicKey}\nregistry    ${k.registryPath}\n`);
  return 0;
}

function verifyWithAnchors(log: string, opts: AuditVerifyCliOptions): { source: string; report: AuditVerifyReport }[] {
  const keys = readAuditPublicKeysFile(opts.keys);
  const text = readAuditLogText(log);
  if (!opts.anchors) return [{ source: log, report: verifyAuditLog(text, keys, { source: log }) }];
  const anchorReport = verifyAuditLog(readAuditLogText(opts.anchors), keys, { source: opts.anchors });
  const anchors = anchorsInLog(anchorReport.lines, opts.anchors);
  return [{ source: log, report: verifyAuditLog(text, keys, { source: log, anchors }) }, { source: `${opts.anchors} (anchor log)`, report: anchorReport }];
}

type Renderer = (report: AuditVerifyReport, source: string, generatedAt: string) => string;

function rendererFor(file: string): Renderer {
  if (/\.html?$/i.test(file)) return auditReportHtml;
  if (/\.md$/i.test(file)) return auditReportMarkdown;
  if (/\.csv$/i.test(file)) return (report) => auditReportCsv(report);
  throw usage(`cannot tell the report format of "${file}"`, '--out', 'end the file name with .html, .md or .csv');
}

function usage(message: string, where: string, hint?: string): MedfedError {
  return new MedfedError(ErrorCodes.CONFIG_INVALID, message, { where, hint });
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `medfed audit verify | export | keygen`. Exit status: 0 intact, 1 tampered, 2 usage or input error. */
export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .description('Tamper-evident audit trail: verify a node\'s log, export a review report, create a node\'s signing key')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  audit
    .command('verify')
    .description('Check every entry\'s signature, the sequence numbers and the hash chain; names each bad entry (exit 0 intact, 1 tampered, 2 usage error)')
    .argument('<log>', 'audit log (.jsonl)')
    .requiredOption('--keys <file>', 'key registry (JSON or YAML): { "node id": "public key hex" }')
    .option('--anchors <log>', 'a log (the coordinator\'s) whose head_anchored entries this log must contain: detects a cut-off end')
    .action((log: string, opts: AuditVerifyCliOptions) => {
      process.exitCode = runAuditVerify(log, opts);
    });
  audit
    .command('export')
    .description('Write a review report: verification result, counts per event kind and per job, updates released with their filters, all entries (exit 0 intact, 1 tampered)')
    .argument('<log>', 'audit log (.jsonl)')
    .requiredOption('--keys <file>', 'key registry (JSON or YAML)')
    .option('--out <file>', 'report file: .html (self-contained), .md or .csv; repeat for several', collect, [])
    .option('--anchors <log>', 'a log whose head_anchored entries this log must contain')
    .action((log: string, opts: AuditExportCliOptions) => {
      process.exitCode = runAuditExport(log, opts);
    });
  audit
    .command('keygen')
    .description('Create a node\'s Ed25519 audit key: <node>.audit-key (mode 0600), <node>.audit-pub, and its entry in audit-keys.json')
    .requiredOption('--node <id>', 'node id (coordinator or site name)')
    .requiredOption('--out <dir>', 'folder for the key files')
    .action((opts: { node: string; out: string }) => {
      process.exitCode = runAuditKeygen(opts);
    });
}
