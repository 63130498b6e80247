import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateAuditKeyPair } from '../../src/audit/keys.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import type { AuditProblem } from '../../src/audit/verify-types.js';
import { buildLog, logLines, writeLines, type BuiltLog } from './helpers.js';

function verifyFile(log: BuiltLog, keys: Record<string, string> = { [log.node]: log.keys.publicKey }) {
  return verifyAuditLog(readFileSync(log.path, 'utf8'), keys);
}
const brief = (p: AuditProblem) => ({ kind: p.kind, line: p.line, seq: p.seq });

test('(a) editing a field of entry seq 7 is named as edited at line 8, seq 7, and nothing else', () => {
  const log = buildLog();
  const lines = logLines(log.path);
  const e = JSON.parse(lines[7]);
  assert.equal(e.seq, 7);
  assert.equal(e.event.kind, 'round_ended');
  e.event.sites = ['site-a']; // round_ended of round 0: pretend only one site took part
  lines[7] = JSON.stringify(e);
  writeLines(log.path, lines);
  const r = verifyFile(log);
  assert.equal(r.ok, false);
  assert.deepEqual(r.problems.map(brief), [{ kind: 'edited', line: 8, seq: 7 }]);
  assert.match(r.problems[0].message, /line 8 \(seq 7, round_ended\) was edited/);
  assert.equal(r.lines[7].ok, false);
  assert.equal(r.lines.filter((l) => !l.ok).length, 1);
});

test('(a2) editing the timestamp only, or the prev only, is also caught as an edit of that entry', () => {
  for (const field of ['ts', 'prev'] as const) {
    const log = buildLog();
    const lines = logLines(log.path);
    const e = JSON.parse(lines[12]);
    e[field] = field === 'ts' ? e.ts.replace(/\.\d{3}Z$/, '.999Z') : 'f'.repeat(64);
    lines[12] = JSON.stringify(e);
    writeLines(log.path, lines);
    assert.deepEqual(verifyFile(log).problems.map(brief), [{ kind: 'edited', line: 13, seq: 12 }], field);
  }
});

test('(b) deleting entry seq 5 names the gap at seq 5 (before line 6, which now holds seq 6)', () => {
  const log = buildLog();
  const lines = logLines(log.path);
  lines.splice(5, 1);
  writeLines(log.path, lines);
  const r = verifyFile(log);
  assert.deepEqual(r.problems.map(brief), [{ kind: 'deleted', line: 6, seq: 5 }]);
  assert.match(r.problems[0].message, /entry seq 5 is missing \(deleted\) before line 6: seq jumps from 4 \(line 5\) to 6 \(line 6\) and the prev of seq 6 does not match the hash of seq 4/);
});

test('(b2) deleting three entries names the whole run; deleting the first entry names seq 0', () => {
  const log = buildLog();
  const lines = logLines(log.path);
  writeLines(log.path, [...lines.slice(0, 10), ...lines.slice(13)]);
  assert.deepEqual(verifyFile(log).problems.map(brief), [{ kind: 'deleted', line: 11, seq: 10 }]);
  assert.match(verifyFile(log).problems[0].message, /entries seq 10–12 are missing/);
  writeLines(log.path, lines.slice(1));
  assert.deepEqual(verifyFile(log).problems.map(brief), [{ kind: 'deleted', line: 1, seq: 0 }]);
});

test('(c) swapping entries seq 3 and 4 names both (reordered, not deleted or edited)', () => {
  const log = buildLog();
  const lines = logLines(log.path);
  [lines[3], lines[4]] = [lines[4], lines[3]];
  writeLines(log.path, lines);
  const r = verifyFile(log);
  assert.deepEqual(r.problems.map((p) => ({ ...brief(p), relatedLine: p.relatedLine, relatedSeq: p.relatedSeq })),
    [{ kind: 'reordered', line: 5, seq: 3, relatedLine: 4, relatedSeq: 4 }]);
  assert.match(r.problems[0].message, /line 5 \(seq 3\) comes after line 4 \(seq 4\)/);
});

test('(c2) an entry moved to the end is named once; a copied entry is named as duplicated', () => {
  const log = buildLog();
  const lines = logLines(log.path);
  writeLines(log.path, [...lines.slice(0, 2), ...lines.slice(3), lines[2]]);
  assert.deepEqual(verifyFile(log).problems.map(brief), [{ kind: 'reordered', line: 20, seq: 2 }]);
  writeLines(log.path, [...lines.slice(0, 10), lines[9], ...lines.slice(10)]);
  assert.deepEqual(verifyFile(log).problems.map(brief), [{ kind: 'duplicated', line: 11, seq: 9 }]);
});

test('(d) a cut-off last line is named as truncated; a missing final newline too', () => {
  const log = buildLog();
  const text = readFileSync(log.path, 'utf8');
  writeFileSync(log.path, text.slice(0, text.length - 40));
  const r = verifyFile(log);
  assert.deepEqual(r.problems.map((p) => ({ kind: p.kind, line: p.line })), [{ kind: 'truncated', line: 20 }]);
  assert.equal(r.entryCount, 20);
  writeFileSync(log.path, text.slice(0, -1));
  assert.deepEqual(verifyFile(log).problems.map(brief), [{ kind: 'truncated', line: 20, seq: 19 }]);
});

test('(d2) a line of garbage in the middle is malformed and stands for its entry (no deletion reported)', () => {
  const log = buildLog();
  const lines = logLines(log.path);
  lines[9] = '{"seq":9, this is not json';
  writeLines(log.path, lines);
  assert.deepEqual(verifyFile(log).problems.map(brief), [{ kind: 'malformed', line: 10, seq: 9 }]);
});

test('(e) a wrong public key is one key_mismatch problem; a node without a key is unknown_key', () => {
  const log = buildLog();
  const wrong = verifyFile(log, { [log.node]: generateAuditKeyPair().publicKey });
  assert.deepEqual(wrong.problems.map(brief), [{ kind: 'key_mismatch', line: 1, seq: 0 }]);
  const unknown = verifyFile(log, { 'site-b': log.keys.publicKey });
  assert.deepEqual(unknown.problems.map(brief), [{ kind: 'unknown_key', line: 1, seq: 0 }]);
  assert.match(unknown.problems[0].message, /node "site-a" has no public key/);
});

test('(e2) with no key to check, an edit still shows as a broken chain naming the edited entry', () => {
  const log = buildLog();
  const lines = logLines(log.path);
  lines[7] = lines[7].replace('"round":0', '"round":5');
  writeLines(log.path, lines);
  const r = verifyFile(log, { [log.node]: generateAuditKeyPair().publicKey });
  assert.deepEqual(r.problems.map((p) => ({ ...brief(p), relatedSeq: p.relatedSeq })), [
    { kind: 'key_mismatch', line: 1, seq: 0, relatedSeq: undefined },
    { kind: 'chain_broken', line: 8, seq: 7, relatedSeq: 8 },
  ]);
});

test('a forged huge seq (checked without a usable key) is reported at once, not walked seq by seq', () => {
  const log = buildLog();
  const lines = logLines(log.path);
  lines[19] = lines[19].replace('"seq":19', '"seq":999999999999');
  writeLines(log.path, lines);
  const started = performance.now();
  const r = verifyFile(log, { [log.node]: generateAuditKeyPair().publicKey });
  assert.ok(performance.now() - started < 2000);
  assert.deepEqual(r.problems.map(brief), [
    { kind: 'key_mismatch', line: 1, seq: 0 },
    { kind: 'deleted', line: 20, seq: 19 },
  ]);
  assert.match(r.problems[1].message, /entries seq 19–999999999998 are missing/);
});
