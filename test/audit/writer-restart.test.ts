import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MedfedError } from '../../src/core/errors.js';
import { generateAuditKeyPair } from '../../src/audit/keys.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { openAuditLog } from '../../src/node/audit-file.js';
import { buildLog, logLines, sampleEvents, steppingClock, writeLines } from './helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

test('(f) a restarted writer continues seq and chain from the last line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-audit-'));
  const path = join(dir, 'coordinator.jsonl');
  const keys = generateAuditKeyPair();
  const clock = steppingClock();
  const events = sampleEvents();
  for (const [from, to] of [[0, 6], [6, 7], [7, 15]]) {
    const w = openAuditLog(path, { node: 'coordinator', privateKey: keys.privateKey, now: clock });
    assert.equal(w.nextSeq, from);
    assert.equal(w.headHash, from === 0 ? '0'.repeat(64) : sha256(logLines(path)[from - 1]));
    for (const e of events.slice(from, to)) w.append(e);
    w.close();
    assert.equal(existsSync(`${path}.lock`), false, 'lock released on close');
  }
  const lines = logLines(path);
  assert.deepEqual(lines.map((l) => JSON.parse(l).seq), [...Array(15).keys()]);
  assert.equal(JSON.parse(lines[6]).prev, sha256(lines[5]));
  assert.equal(JSON.parse(lines[7]).prev, sha256(lines[6]));
  assert.equal(verifyAuditLog(readFileSync(path, 'utf8'), { coordinator: keys.publicKey }).ok, true);
});

test('the writer refuses to append to a log whose last entry was edited, cut off, of another node or of another key', () => {
  const log = buildLog();
  const original = readFileSync(log.path, 'utf8');
  const lines = logLines(log.path);
  const open = (node = log.node, privateKey = log.keys.privateKey) => openAuditLog(log.path, { node, privateKey });
  const refused = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_AUDIT_TAMPERED' && pattern.test(e.message));

  writeLines(log.path, [...lines.slice(0, 19), lines[19].replace('"round":0', '"round":1')]);
  refused(() => open(), /seq 19\) fails its signature check/);
  writeFileSync(log.path, original.slice(0, -10));
  refused(() => open(), /does not end with a line end/);
  writeFileSync(log.path, original);
  refused(() => open('site-b'), /belongs to node "site-a", not "site-b"/);
  refused(() => open(log.node, generateAuditKeyPair().privateKey), /fails its signature check/);
  assert.equal(readFileSync(log.path, 'utf8'), original, 'a refused open never changes the file');
  assert.equal(existsSync(`${log.path}.lock`), false, 'a refused open leaves no lock');
  const w = open();
  assert.equal(w.nextSeq, 20);
  w.close();
});

test('one writer per log: a second open is refused while the first is open; a stale lock is taken over', () => {
  const log = buildLog();
  const w = openAuditLog(log.path, { node: log.node, privateKey: log.keys.privateKey });
  assert.throws(() => openAuditLog(log.path, { node: log.node, privateKey: log.keys.privateKey }), /already open in this process/);
  w.close();
  writeFileSync(`${log.path}.lock`, '999999999\n'); // no such process
  const w2 = openAuditLog(log.path, { node: log.node, privateKey: log.keys.privateKey });
  w2.append({ kind: 'admin_action', actor: 'ops', action: 'restart', target: 'site-a' });
  w2.close();
  assert.equal(verifyAuditLog(readFileSync(log.path, 'utf8'), { [log.node]: log.keys.publicKey }).entryCount, 21);
});

test('a clock that goes backwards never makes timestamps go backwards; invalid events are refused before writing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-audit-'));
  const path = join(dir, 'site.jsonl');
  const keys = generateAuditKeyPair();
  const times = [Date.UTC(2025, 0, 1, 12), Date.UTC(2025, 0, 1, 11), Date.UTC(2025, 0, 1, 13)];
  const w = openAuditLog(path, { node: 'site-a', privateKey: keys.privateKey, now: () => times.shift() as number });
  for (const e of sampleEvents().slice(0, 3)) w.append(e);
  assert.throws(() => w.append({ kind: 'update_released', jobId: 'j', round: -1, bytes: 10, sha256: 'xyz', filters: [] }), /invalid audit event "update_released"/);
  assert.throws(() => w.append({ kind: 'no_such_kind' } as never), /invalid audit event "no_such_kind"/);
  w.close();
  assert.deepEqual(logLines(path).map((l) => JSON.parse(l).ts), ['2025-01-01T12:00:00.000Z', '2025-01-01T12:00:00.000Z', '2025-01-01T13:00:00.000Z']);
  assert.equal(verifyAuditLog(readFileSync(path, 'utf8'), { 'site-a': keys.publicKey }).ok, true);
});
