import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { connect, type ClientHttp2Session } from 'node:http2';
import { Duplex, PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { EvaluateRequest, FitRequest, SiteReply } from '../../src/core/messages.js';
import type { StartupKit } from '../../src/pki/startup-kit.js';
import { bulkPath, bulkTokenHeader, newBulkToken, readBlobs } from '../../src/transport/grpc/bulk-wire.js';
import { FramedPeer } from '../../src/transport/grpc/framed-peer.js';
import { headerFrame } from '../../src/transport/grpc/frames.js';
import type { SiteClient } from '../../src/transport/grpc/site-client.js';
import { defaultWireLimits } from '../../src/transport/grpc/wire-limits.js';
import { replyHeaderSchema } from '../../src/transport/grpc/wire-schemas.js';
import { makeTestPki, type TestPki } from './fixture.js';
import { startTestServer, startTestSite, type TestServer } from './harness.js';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('a bulk stream is read blob by blob; more or fewer bytes than announced are refused', async () => {
  const pieces: Array<[number, number, number[]]> = [];
  const ok = new PassThrough();
  const read = readBlobs(ok, [3, 0, 2], (blob, offset, bytes) => pieces.push([blob, offset, [...bytes]]));
  ok.write(Uint8Array.of(1, 2));
  ok.end(Uint8Array.of(3, 4, 5));
  await read;
  assert.deepEqual(pieces, [[0, 0, [1, 2]], [0, 2, [3]], [2, 0, [4, 5]]]);

  const over = new PassThrough();
  const overRead = readBlobs(over, [3, 2], () => undefined);
  over.end(Uint8Array.of(1, 2, 3, 4, 5, 6));
  await assert.rejects(overRead, /carries more than the 5 bytes announced/);

  const short = new PassThrough();
  const shortRead = readBlobs(short, [3, 2], () => undefined);
  short.end(Uint8Array.of(1, 2, 3, 4));
  await assert.rejects(shortRead, /ended after 4 of the 5 bytes announced/);
});

test('messages are handed over in the order of their headers, though a bulk stream finishes after a later message', async () => {
  const connect = new Duplex({ read: () => undefined, write: (_c, _e, cb) => cb() });
  const bulk = new PassThrough();
  const token = newBulkToken();
  const got: Array<[number, number[]]> = [];
  new FramedPeer(connect, replyHeaderSchema, defaultWireLimits, {
    onMessage: (h, blobs) => got.push([h.id, blobs.map((b) => b.byteLength)]),
    onProtocolError: (e) => assert.fail(e),
    onClose: () => undefined,
    bulkSource: async (h) => {
      assert.equal(h.bulk, token);
      return { stream: bulk, finish: () => undefined };
    },
  });
  const body = { kind: 'evaluate', siteId: 'alpha', round: 1, numExamples: 1, metrics: {} };
  connect.push(headerFrame(JSON.stringify({ id: 1, blobs: [3, 2], body, bulk: token }), 1 << 20));
  connect.push(headerFrame(JSON.stringify({ id: 2, blobs: [], body }), 1 << 20));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(got, [], 'message 2 waits for message 1');
  bulk.end(Uint8Array.of(1, 2, 3, 4, 5));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(got, [[1, [3, 2]], [2, []]]);
});

let pki: TestPki;
let srv: TestServer;
let site: SiteClient;
const sessions: ClientHttp2Session[] = [];

before(async () => {
  pki = await makeTestPki(['alpha', 'beta']);
  srv = await startTestServer(pki.kit('coordinator'));
  site = startTestSite(pki.kit('sites/alpha'), srv.address, async (r): Promise<SiteReply> => {
    if (r.kind === 'evaluate') return { kind: 'evaluate', siteId: 'alpha', round: r.round, numExamples: 1, metrics: { bytes: r.weights.byteLength } };
    const fit = r as FitRequest;
    return { kind: 'fit', siteId: 'alpha', round: fit.round, weights: new Uint8Array(fit.weights).reverse(), numExamples: 5, steps: 1, extra: {}, metrics: {} };
  });
  await srv.server.pool.waitFor(1, 10_000);
});

after(async () => {
  for (const s of sessions) s.destroy();
  site.stop();
  await srv.server.close();
});

test('tensor bytes travel on bulk streams beside the Connect stream; no token outlives its request', async () => {
  const bulk = srv.server.bulk;
  assert.ok(bulk, 'grpc-js offers no route for bulk streams (createHttp2Server missing)');
  const weights = randomFillSync(new Uint8Array(3 * MiB + 3));
  const fit: FitRequest = {
    kind: 'fit', jobId: 'j', round: 1, strategy: 'fedavg', strategyOptions: {}, weights,
    directive: { config: {}, extra: {} }, training: { epochs: 1, batchSize: 4, optimizer: { name: 'sgd', lr: 0.1 } }, seed: 1,
  };
  const before = bulk.admitted;
  const reply = await srv.server.pool.request('alpha', fit);
  assert.equal(reply.kind, 'fit');
  if (reply.kind !== 'fit') return;
  assert.equal(sha(reply.weights), sha(new Uint8Array(weights).reverse()));
  assert.equal(bulk.admitted - before, 2, 'one GET for the request, one POST for the reply');
  const evaluate: EvaluateRequest = { kind: 'evaluate', jobId: 'j', round: 1, strategy: 'fedavg', strategyOptions: {}, weights };
  const ev = await srv.server.pool.request('alpha', evaluate);
  assert.deepEqual(ev.kind === 'evaluate' && ev.metrics, { bytes: weights.byteLength });
  assert.equal(bulk.admitted - before, 3, 'a reply without tensors needs no bulk stream');
  assert.equal(bulk.outstanding, 0);
});

/** Open a bulk stream as `kit` would; resolves with the coordinator's status. */
function bulkStatus(kit: StartupKit, method: 'GET' | 'POST', token: string): Promise<number> {
  const session = connect(`https://${srv.address}`, { ca: kit.caPem, cert: kit.certPem, key: kit.keyPem, servername: '' });
  sessions.push(session);
  session.on('error', () => undefined);
  const stream = session.request({ ':method': method, ':path': bulkPath, [bulkTokenHeader]: token }, { endStream: true });
  stream.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    stream.once('response', (h) => resolve(Number(h[':status'])));
    stream.once('close', () => reject(new Error('closed without a response')));
  });
}

async function refusal(from: number): Promise<{ peer: string; reason: string }> {
  for (let i = 0; i < 100; i++) {
    const e = srv.audits.slice(from).find((a) => a.kind === 'connection_refused');
    if (e && e.kind === 'connection_refused') return e;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no connection_refused audit event');
}

test('a bulk stream is admitted only with the certificate of the site its one-time token was issued to; each refusal is audited', async () => {
  const bulk = srv.server.bulk!;
  const upload = bulk.expectUpload('alpha');
  const arrived = upload.arrival(10_000);
  const cases: Array<[string, () => StartupKit, 'GET' | 'POST', string, number, RegExp, RegExp]> = [
    ['another site', () => pki.kit('sites/beta'), 'POST', upload.token, 403, /^beta /, /^bulk stream with a token issued to site alpha$/],
    ['an unknown token', () => pki.kit('sites/alpha'), 'POST', newBulkToken(), 403, /^alpha /, /unknown, withdrawn or already used token/],
    ['the wrong method', () => pki.kit('sites/alpha'), 'GET', upload.token, 403, /^alpha /, /bulk GET stream with a token issued for POST/],
    ['a researcher', () => pki.kit('users/analyst@example.org'), 'POST', upload.token, 403, /analyst@example.org/, /^no rights: a researcher certificate cannot open a bulk stream/],
    ['a revoked site', () => pki.kit('sites/revoked'), 'POST', upload.token, 401, /CN=revoked/, /^revoked: serial [0-9a-f]+ was revoked/],
  ];
  for (const [what, kit, method, token, status, peer, reason] of cases) {
    const from = srv.audits.length;
    assert.equal(await bulkStatus(kit(), method, token), status, what);
    const e = await refusal(from);
    assert.match(e.peer, peer, what);
    assert.match(e.reason, reason, what);
  }
  // The rightful site is admitted with the same token, once.
  const ok = bulkStatus(pki.kit('sites/alpha'), 'POST', upload.token);
  await arrived;
  upload.finish(null);
  assert.equal(await ok, 200);
  const from = srv.audits.length;
  assert.equal(await bulkStatus(pki.kit('sites/alpha'), 'POST', upload.token), 403);
  assert.match((await refusal(from)).reason, /already used/);
});
