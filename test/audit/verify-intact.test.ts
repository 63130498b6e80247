import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { readAuditPublicKeysFile } from '../../src/node/audit-keys.js';
import { buildLog, logLines, sampleEvents } from './helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

test('a log written by the writer verifies, and its format matches the spec (checked with node:crypto)', () => {
  const log = buildLog();
  const report = verifyAuditLog(readFileSync(log.path, 'utf8'), readAuditPublicKeysFile(log.keysPath));
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  assert.equal(report.entryCount, 20);
  assert.equal(report.node, 'site-a');

  const lines = logLines(log.path);
  const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(log.keys.publicKey, 'hex').toString('base64url') }, format: 'jwk' });
  let prev = '0'.repeat(64);
  let lastTs = '';
  lines.forEach((line, i) => {
    const e = JSON.parse(line);
    assert.deepEqual(Object.keys(e), ['event', 'node', 'prev', 'seq', 'sig', 'ts'], 'keys sorted, nothing else');
    assert.equal(e.seq, i);
    assert.equal(e.node, 'site-a');
    assert.deepEqual(e.event, sampleEvents()[i]);
    assert.match(e.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(e.ts > lastTs);
    lastTs = e.ts;
    assert.equal(e.prev, prev, `prev of seq ${i} is sha256 of line ${i}`);
    prev = sha256(line); // the line is the entry's canonical JSON, so its sha256 is the entry hash
    const { sig, ...unsigned } = e;
    // the signed bytes are the line with the sig member removed (keys are sorted, so it sits between seq and ts)
    const signedText = line.replace(`,"sig":"${sig}"`, '');
    assert.equal(signedText, JSON.stringify(unsigned), "signed bytes = canonical JSON without sig");
    assert.equal(cryptoVerify(null, Buffer.from(signedText, 'utf8'), pub, Buffer.from(sig, 'hex')), true, `signature of seq ${i}`);
  });
  assert.equal(lines[0].includes('"ts":"2025-03-01T09:00:00.000Z"'), true);
  assert.deepEqual(report.head, { seq: 19, entrySha256: prev });
});

test('an empty log is intact with no entries', () => {
  const report = verifyAuditLog('', { 'site-a': '11'.repeat(32) });
  assert.equal(report.ok, true);
  assert.equal(report.entryCount, 0);
  assert.equal(report.head, null);
});
