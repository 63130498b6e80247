import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { certificateSha256, signAuditHead, verifyAuditHead, type SignedAuditHead } from '../../src/audit/head-anchor.js';
import type { AuditEvent } from '../../src/audit/events.js';
import { generateAuditKeyPair } from '../../src/audit/keys.js';
import { anchorsInLog } from '../../src/audit/verify-anchors.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { formatAuditVerifyResult } from '../../src/audit/report-text.js';
import { auditReportMarkdown } from '../../src/audit/report-markdown.js';
import { headAnchoring } from '../../src/coordinator/jobs/anchor-heads.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import type { SiteReply, SiteRequest } from '../../src/core/messages.js';
import { openAuditLog } from '../../src/node/audit-file.js';
import { importPrivateKeyPem } from '../../src/pki/keys.js';
import type { StartupKit } from '../../src/pki/startup-kit.js';
import { auditHeadResponder } from '../../src/site/agent/audit-head.js';
import { replyHeaderSchema } from '../../src/transport/grpc/wire-schemas.js';
import { makeTestPki } from '../transport/fixture.js';
import { sampleEvents, steppingClock } from './helpers.js';

// The anchor message (docs/audit.md, Anchoring): a site's head signed with its certificate key,
// checked by the coordinator with the certificate the site authenticated with.
let site1: StartupKit;
let site2: StartupKit;
const head = { node: 'site-1', seq: 41, entrySha256: 'c0ffee00'.repeat(8) };

before(async () => {
  const pki = await makeTestPki(['site-1', 'site-2']);
  site1 = pki.kit('sites/site-1');
  site2 = pki.kit('sites/site-2');
});

const signedBy = async (kit: StartupKit, h = head) => signAuditHead(h, await importPrivateKeyPem(kit.keyPem, 'key.pem'));

async function refusal(p: Promise<unknown>): Promise<MedfedError> {
  const e = await p.then(() => assert.fail('the head was accepted'), (x: unknown) => x);
  assert.ok(e instanceof MedfedError, String(e));
  return e;
}

test('a head signed with the site\'s certificate key verifies with its certificate; any change or another key is refused, naming site and seq', async () => {
  const signed = await signedBy(site1);
  assert.match(signed.signature, /^[0-9a-f]{128}$/);
  await verifyAuditHead(signed, site1.certPem, 'site-1');

  const moved = await refusal(verifyAuditHead({ ...signed, seq: 40 }, site1.certPem, 'site-1'));
  assert.equal(moved.code, ErrorCodes.AUDIT_TAMPERED);
  assert.match(moved.message, /audit head of node "site-1" \(seq 40, sha256 c0ffee00c0ffee00…\) is refused: its signature does not verify with the node's certificate/);
  assert.match(moved.hint ?? '', /not anchored/);
  const otherHash = await refusal(verifyAuditHead({ ...signed, entrySha256: 'd'.repeat(64) }, site1.certPem, 'site-1'));
  assert.match(otherHash.message, /signature does not verify/);
  // site-2 signs a head of its own log: valid for site-2, refused on site-1's connection.
  const theirs = await signedBy(site2, { ...head, node: 'site-2' });
  await verifyAuditHead(theirs, site2.certPem, 'site-2');
  assert.match((await refusal(verifyAuditHead(theirs, site1.certPem, 'site-1'))).message, /claims to be the head of node "site-2"/);
  // site-2's key signing a head in site-1's name does not verify with site-1's certificate.
  assert.match((await refusal(verifyAuditHead(await signedBy(site2), site1.certPem, 'site-1'))).message, /signature does not verify with the node's certificate/);
});

test('the site agent answers with its log\'s real head; the wire schema carries it and refuses a malformed one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-anchor-'));
  const path = join(dir, 'site-1.audit.jsonl');
  const keys = generateAuditKeyPair();
  const log = openAuditLog(path, { node: 'site-1', privateKey: keys.privateKey, now: steppingClock() });
  const respond = auditHeadResponder('site-1', log, site1);
  await assert.rejects(respond(), /audit log .* is empty: there is no head to anchor yet/);
  for (const e of sampleEvents().slice(0, 7)) log.append(e);
  const reply = await respond();
  log.close();
  const verified = verifyAuditLog(readFileSync(path, 'utf8'), { 'site-1': keys.publicKey });
  assert.deepEqual([reply.seq, reply.entrySha256], [verified.head!.seq, verified.head!.entrySha256]);
  await verifyAuditHead({ node: reply.siteId, seq: reply.seq, entrySha256: reply.entrySha256, signature: reply.signature }, site1.certPem, 'site-1');

  assert.equal(replyHeaderSchema.safeParse({ id: 1, blobs: [], body: reply }).success, true);
  assert.equal(replyHeaderSchema.safeParse({ id: 1, blobs: [], body: { ...reply, signature: reply.signature.slice(2) } }).success, false);
  assert.equal(replyHeaderSchema.safeParse({ id: 1, blobs: [], body: { ...reply, seq: -1 } }).success, false);
});

/** A pool of connections answering "audit-head" with a given head, and the DER certificate each site authenticated with. */
function fakeSites(heads: Record<string, () => Promise<SignedAuditHead>>, certs: Record<string, string>) {
  const der = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
  const conns = Object.keys(heads).map((siteId) => ({
    siteId,
    async request(req: SiteRequest): Promise<SiteReply> {
      assert.equal(req.kind, 'audit-head');
      const h = await heads[siteId]();
      return { kind: 'audit-head', siteId, seq: h.seq, entrySha256: h.entrySha256, signature: h.signature };
    },
  }));
  const pool = { connected: () => conns, waitFor: async () => conns, certificateOf: (id: string) => (certs[id] ? der(certs[id]) : undefined) };
  return { conns, pool };
}

test('the coordinator anchors a verified head once (with the site\'s signature and certificate hash) and refuses a forged one, giving the reason', async () => {
  const events: AuditEvent[] = [];
  let site1Head = await signedBy(site1);
  const forged = { ...(await signedBy(site1, { ...head, node: 'site-2' })) }; // site-1's key, site-2's name
  const { conns, pool } = fakeSites({ 'site-1': async () => site1Head, 'site-2': async () => forged }, { 'site-1': site1.certPem, 'site-2': site2.certPem });
  const anchor = headAnchoring({ sites: pool, audit: { append: (e) => events.push(e) } });

  const first = await anchor('job-1', conns);
  assert.deepEqual(first.anchored, ['site-1']);
  assert.match(first.refused['site-2'], /MEDFED_ERR_AUDIT_TAMPERED.*audit head of node "site-2" \(seq 41.*signature does not verify with the node's certificate/);
  assert.deepEqual(events, [{ kind: 'head_anchored', anchoredNode: 'site-1', seq: 41, entrySha256: head.entrySha256, signature: site1Head.signature, certSha256: certificateSha256(site1.certPem) }]);
  // An unchanged head is not written again; a new one is.
  await anchor('job-1', conns.slice(0, 1));
  assert.equal(events.length, 1);
  site1Head = await signedBy(site1, { ...head, seq: 42, entrySha256: 'e'.repeat(64) });
  await anchor('job-1', conns.slice(0, 1));
  assert.deepEqual(events.map((e) => (e.kind === 'head_anchored' ? e.seq : -1)), [41, 42]);
  // A pool without certificates (in-memory sites) anchors nothing and asks nobody.
  const bare = headAnchoring({ sites: { connected: () => [], waitFor: async () => [] }, audit: { append: () => assert.fail('appended') } });
  assert.deepEqual(await bare('job-1', [{ siteId: 'x', request: () => assert.fail('asked') }]), { anchored: [], refused: {} });
});

test('verify --anchors: a log cut after several anchored heads is one problem naming the cut-off range; the report lists each anchor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-anchor-'));
  const site = generateAuditKeyPair();
  const coord = generateAuditKeyPair();
  const siteLog = openAuditLog(join(dir, 'site.jsonl'), { node: 'site-1', privateKey: site.privateKey, now: steppingClock() });
  const coordLog = openAuditLog(join(dir, 'coord.jsonl'), { node: 'coordinator', privateKey: coord.privateKey, now: steppingClock() });
  for (const [i, e] of sampleEvents().entries()) {
    siteLog.append(e);
    if (i % 5 === 4) coordLog.append({ kind: 'head_anchored', anchoredNode: 'site-1', seq: siteLog.nextSeq - 1, entrySha256: siteLog.headHash });
  }
  siteLog.close();
  coordLog.close();
  const keys = { 'site-1': site.publicKey, coordinator: coord.publicKey };
  const coordReport = verifyAuditLog(readFileSync(join(dir, 'coord.jsonl'), 'utf8'), keys);
  const anchors = anchorsInLog(coordReport.lines, 'coord.jsonl');
  assert.deepEqual(anchors.map((a) => a.seq), [4, 9, 14, 19]);
  const lines = readFileSync(join(dir, 'site.jsonl'), 'utf8').split('\n').filter(Boolean);

  const whole = verifyAuditLog(lines, keys, { anchors });
  assert.equal(whole.ok, true);
  assert.deepEqual(whole.anchors?.map((a) => a.status), ['ok', 'ok', 'ok', 'ok']);
  assert.match(formatAuditVerifyResult(whole, 'site.jsonl'), /4 anchors checked, 4 matched \(highest anchored seq 19\)/);

  const cut = verifyAuditLog(lines.slice(0, 8), keys, { anchors });
  assert.deepEqual(cut.problems.map((p) => [p.kind, p.line, p.seq]), [['anchor_mismatch', 9, 19]]);
  assert.match(cut.problems[0].message, /coord\.jsonl:4 anchored seq 19 of "site-1", but this log ends at seq 7: entries seq 8–19 were cut off its end \(3 anchors lie beyond its end\)/);
  assert.deepEqual(cut.anchors?.map((a) => a.status), ['ok', 'cut_off', 'cut_off', 'cut_off']);
  const md = auditReportMarkdown(cut, 'site.jsonl', '2025-03-01T00:00:00.000Z');
  assert.match(md, /## Anchors[\s\S]*\| coord\.jsonl:2 \| 9 \| [0-9a-f]{64} \| CUT OFF \|/);
  assert.match(auditReportMarkdown(coordReport, 'coord.jsonl', 'now'), /\| 4 \| [^|]+ \| site-1 \| 19 \| [0-9a-f]{64} \| no \|/);
  // No anchors of this node at all: said, so an empty anchor log is not mistaken for a check.
  assert.match(formatAuditVerifyResult(verifyAuditLog(lines, keys, { anchors: [] }), 'site.jsonl'), /the anchor log holds no head of this node/);
});
