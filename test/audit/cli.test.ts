import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runAuditExport, runAuditKeygen, runAuditVerify } from '../../src/cli/commands/audit.js';
import { readAuditPrivateKeyFile, readAuditPublicKeysFile } from '../../src/node/audit-keys.js';
import { auditPublicKey } from '../../src/audit/keys.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { openAuditLog } from '../../src/node/audit-file.js';
import { buildLog, logLines, sampleEvents, writeLines } from './helpers.js';

const harness = join(import.meta.dirname, 'cli-harness.js');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [harness, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('runAuditVerify returns 0 on an intact log and 1 naming each bad entry on a tampered one', () => {
  const log = buildLog();
  let out = '';
  assert.equal(runAuditVerify(log.path, { keys: log.keysPath }, (t) => (out += t)), 0);
  assert.match(out, /intact — 20 entries of node "site-a" verified; head seq 19/);
  const lines = logLines(log.path);
  lines[7] = lines[7].replace('"round":0', '"round":9');
  lines.splice(12, 1);
  writeLines(log.path, lines);
  out = '';
  assert.equal(runAuditVerify(log.path, { keys: log.keysPath }, (t) => (out += t)), 1);
  assert.match(out, /TAMPERED — 2 problems in 19 entries/);
  assert.match(out, /line 8 \(seq 7\): edited:/);
  assert.match(out, /line 13 \(seq 12\): deleted: entry seq 12 is missing \(deleted\) before line 13: seq jumps from 11 \(line 12\) to 13/);
});

test('CLI exit statuses: 0 intact, 1 tampered (entries named), 2 usage and input errors', () => {
  const log = buildLog();
  const ok = cli('audit', 'verify', log.path, '--keys', log.keysPath);
  assert.equal(ok.status, 0, ok.err);
  const lines = logLines(log.path);
  [lines[3], lines[4]] = [lines[4], lines[3]];
  writeLines(log.path, lines);
  const bad = cli('audit', 'verify', log.path, '--keys', log.keysPath);
  assert.equal(bad.status, 1, bad.err);
  assert.match(bad.out, /line 5 \(seq 3\): reordered: line 5 \(seq 3\) comes after line 4 \(seq 4\)/);
  assert.equal(cli('audit', 'verify', log.path).status, 2, 'missing --keys');
  assert.equal(cli('audit', 'verify').status, 2, 'missing log');
  assert.equal(cli('audit', 'frobnicate').status, 2, 'unknown subcommand');
  const missing = cli('audit', 'verify', join(log.dir, 'nope.jsonl'), '--keys', log.keysPath);
  assert.equal(missing.status, 2);
  assert.match(missing.err, /MEDFED_ERR_DATA_UNREADABLE/);
  const badFormat = cli('audit', 'export', log.path, '--keys', log.keysPath, '--out', join(log.dir, 'r.pdf'));
  assert.equal(badFormat.status, 2);
  assert.match(badFormat.err, /cannot tell the report format of/);
  assert.equal(cli('audit', 'verify', '--help').status, 0);
});

test('keygen writes a 0600 private key, the public key and the registry; the key signs a log that verifies', () => {
  const { dir } = buildLog();
  const out = join(dir, 'keys');
  assert.equal(runAuditKeygen({ node: 'coordinator', out }, () => {}), 0);
  assert.equal(runAuditKeygen({ node: 'site-b', out }, () => {}), 0);
  assert.equal(statSync(join(out, 'coordinator.audit-key')).mode & 0o777, 0o600);
  const priv = readAuditPrivateKeyFile(join(out, 'coordinator.audit-key'));
  const registry = readAuditPublicKeysFile(join(out, 'audit-keys.json'));
  assert.deepEqual([...registry.keys()], ['coordinator', 'site-b']);
  assert.equal(registry.get('coordinator'), auditPublicKey(priv));
  assert.equal(readFileSync(join(out, 'coordinator.audit-pub'), 'utf8').trim(), registry.get('coordinator'));
  assert.throws(() => runAuditKeygen({ node: 'coordinator', out }, () => {}), /already exists; a key is never overwritten/);
  const w = openAuditLog(join(dir, 'coord.jsonl'), { node: 'coordinator', privateKey: priv });
  for (const e of sampleEvents().slice(0, 4)) w.append(e);
  w.close();
  assert.equal(verifyAuditLog(readFileSync(join(dir, 'coord.jsonl'), 'utf8'), registry).ok, true);
  const viaCli = cli('audit', 'keygen', '--node', 'bad/name', '--out', out);
  assert.equal(viaCli.status, 2);
});

test('export writes HTML, Markdown and CSV reports; exit 1 when the log is tampered', () => {
  const log = buildLog();
  const files = ['r.html', 'r.md', 'r.csv'].map((f) => join(log.dir, f));
  assert.equal(runAuditExport(log.path, { keys: log.keysPath, out: files }, () => {}), 0);
  const html = readFileSync(files[0], 'utf8');
  assert.match(html, /INTACT: all 20 entries verified/);
  assert.match(readFileSync(files[1], 'utf8'), /\*\*INTACT\*\*/);
  assert.equal(readFileSync(files[2], 'utf8').trimEnd().split('\r\n').length, 21);
  const lines = logLines(log.path);
  lines[7] = lines[7].replace('"round":0', '"round":9');
  writeLines(log.path, lines);
  assert.equal(runAuditExport(log.path, { keys: log.keysPath, out: files }, () => {}), 1);
  assert.match(readFileSync(files[0], 'utf8'), /TAMPERED: 1 problem\(s\) found/);
  assert.match(readFileSync(files[1], 'utf8'), /\| 8 \| 7 \| edited \|/);
});
