import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_AUDIT_HEAD, nextAuditEntry, type AuditHead } from '../../src/audit/chain.js';
import { generateAuditKeyPair } from '../../src/audit/keys.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { anchorsInLog } from '../../src/audit/verify-anchors.js';
import type { AuditEvent } from '../../src/audit/events.js';
import { sampleEvents } from './helpers.js';

// Faults that need the node's key (a buggy or compromised writer, or two logs mixed up):
// the entries are validly signed, so only the structure can show them.
const site = generateAuditKeyPair();
const other = generateAuditKeyPair();
const keys = { 'site-a': site.publicKey, 'site-b': other.publicKey };

function chain(node: string, key: Uint8Array, times: number[], events: AuditEvent[] = sampleEvents(), head: AuditHead = EMPTY_AUDIT_HEAD) {
  const lines: string[] = [];
  let h = head;
  times.forEach((t, i) => {
    const next = nextAuditEntry(h, node, events[i % events.length], t, key);
    lines.push(next.line.trimEnd());
    h = { ...next.head, lastMs: Number.NEGATIVE_INFINITY }; // let the caller's times through unclamped
  });
  return lines;
}
const t0 = Date.UTC(2025, 4, 1);
const times = (n: number) => Array.from({ length: n }, (_, i) => t0 + i * 1000);

test('timestamps going backwards between consecutive entries are named', () => {
  const ts = times(6);
  ts[4] = ts[2] - 1;
  const r = verifyAuditLog(chain('site-a', site.privateKey, ts), keys);
  assert.deepEqual(r.problems.map((p) => [p.kind, p.line, p.seq, p.relatedSeq]), [['time_backwards', 5, 4, 3]]);
});

test('a validly signed entry of another node copied into the log is named foreign_node', () => {
  const mine = chain('site-a', site.privateKey, times(8));
  const theirs = chain('site-b', other.privateKey, times(8));
  const r = verifyAuditLog([...mine.slice(0, 5), theirs[5], ...mine.slice(5)], keys);
  assert.equal(r.node, 'site-a');
  assert.deepEqual(r.problems.map((p) => [p.kind, p.line, p.seq]), [['foreign_node', 6, 5]]);
});

test('two diverging copies spliced together break the chain at the join', () => {
  const a = chain('site-a', site.privateKey, times(10));
  const fork = chain('site-a', site.privateKey, times(10).map((t) => t + 7)); // same seqs, other timestamps, so other hashes
  const r = verifyAuditLog([...a.slice(0, 6), ...fork.slice(6)], keys);
  assert.deepEqual(r.problems.map((p) => [p.kind, p.line, p.seq, p.relatedLine]), [['chain_broken', 6, 5, 7]]);
});

test('anchors: entries cut off the end are found when the head was anchored in the coordinator log', () => {
  const siteLog = chain('site-a', site.privateKey, times(12));
  const full = verifyAuditLog(siteLog, keys);
  assert.equal(full.ok, true);
  const coordinator = generateAuditKeyPair();
  const anchorEvent: AuditEvent = { kind: 'head_anchored', anchoredNode: 'site-a', seq: full.head!.seq, entrySha256: full.head!.entrySha256 };
  const coordLog = chain('coordinator', coordinator.privateKey, [t0], [anchorEvent]);
  const coordReport = verifyAuditLog(coordLog, { coordinator: coordinator.publicKey });
  const anchors = anchorsInLog(coordReport.lines, 'coordinator.jsonl');
  assert.deepEqual(anchors, [{ node: 'site-a', seq: 11, entrySha256: full.head!.entrySha256, source: 'coordinator.jsonl:1' }]);

  assert.equal(verifyAuditLog(siteLog, keys, { anchors }).ok, true);
  // the last three entries removed: the chain alone cannot tell, the anchor can
  assert.equal(verifyAuditLog(siteLog.slice(0, 9), keys).ok, true);
  const cut = verifyAuditLog(siteLog.slice(0, 9), keys, { anchors });
  assert.deepEqual(cut.problems.map((p) => [p.kind, p.seq]), [['anchor_mismatch', 11]]);
  assert.match(cut.problems[0].message, /ends at seq 8: entries seq 9–11 were cut off its end/);
  // the tail replaced by a re-signed different one (a compromised key) differs from the anchor
  const rewritten = [...siteLog.slice(0, 9), ...chain('site-a', site.privateKey, times(12).map((t) => t + 5)).slice(9)];
  assert.deepEqual(verifyAuditLog(rewritten, keys, { anchors }).problems.map((p) => p.kind), ['chain_broken', 'anchor_mismatch']);
});
