import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import { parseFrame, headerFrame, chunkFrame } from '../../src/transport/grpc/frames.js';
import { MessageAssembler } from '../../src/transport/grpc/message-assembler.js';
import { MedfedClientConstructor, type MedfedClient } from '../../src/transport/grpc/service.js';
import { channelOptions, clientCredentials } from '../../src/transport/grpc/tls.js';
import { defaultWireLimits, maxFrameBytes } from '../../src/transport/grpc/wire-limits.js';
import type { StartupKit } from '../../src/pki/startup-kit.js';
import { makeTestPki, type TestPki } from './fixture.js';
import { startTestServer, waitForEvent, type TestServer } from './harness.js';

let pki: TestPki;
let srv: TestServer;
const clients: MedfedClient[] = [];

before(async () => {
  pki = await makeTestPki(['alpha', 'beta']);
  srv = await startTestServer(pki.kit('coordinator'), { intervalMs: 50, timeoutMs: 400 });
});

after(async () => {
  for (const c of clients) c.close();
  await srv.server.close();
});

async function waitForAudit(from: number) {
  for (let i = 0; i < 100; i++) {
    const found = srv.audits.slice(from).filter((e) => e.kind === 'connection_refused');
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  return [];
}

function rawStream(kit: StartupKit): grpc.ClientDuplexStream<Buffer, Buffer> {
  const c = new MedfedClientConstructor(srv.address, clientCredentials(kit), channelOptions(maxFrameBytes(defaultWireLimits)));
  clients.push(c);
  const s = c.connect();
  s.on('error', () => undefined);
  return s;
}

test('frame parser refuses malformed frames', () => {
  const max = 1024;
  assert.throws(() => parseFrame(new Uint8Array(0), max), /empty frame/);
  assert.throws(() => parseFrame(new Uint8Array([9]), max), /unknown frame type 9/);
  const h = headerFrame('{"a":1}', max);
  assert.throws(() => parseFrame(h.subarray(0, h.length - 1), max), /length field says 7 bytes, the frame holds 6/);
  const big = Buffer.alloc(5);
  big[0] = 1;
  big.writeUInt32BE(4096, 1);
  assert.throws(() => parseFrame(big, max), /header of 4096 bytes exceeds the limit of 1024/);
  const c = chunkFrame(1, 0, 0, new Uint8Array([1, 2]));
  c.writeDoubleBE(-3, 9);
  assert.throws(() => parseFrame(c, max), /offset -3/);
  assert.throws(() => parseFrame(new Uint8Array([3, 0]), max), /heartbeat frame carries bytes/);
});

test('assembler refuses oversized, overrunning, out-of-order and unannounced chunks', () => {
  const limits = { ...defaultWireLimits, maxBlobBytes: 100, maxMessageBytes: 150 };
  const a = new MessageAssembler<{ id: number; blobs: number[] }>(limits);
  assert.throws(() => a.header({ id: 1, blobs: [101] }), /blob of 101 bytes, the limit is 100/);
  assert.throws(() => a.header({ id: 1, blobs: [100, 60] }), /announces 160 bytes, the limit is 150/);
  assert.equal(a.header({ id: 2, blobs: [10] }), null);
  assert.equal(a.bufferedBytes(), 10);
  assert.throws(() => a.chunk(3, 0, 0, new Uint8Array(1)), /not announced/);
  assert.throws(() => a.chunk(2, 1, 0, new Uint8Array(1)), /blob 1 of message 2, which has 1/);
  assert.throws(() => a.chunk(2, 0, 4, new Uint8Array(1)), /offset 4 .* expected 0/);
  assert.throws(() => a.chunk(2, 0, 0, new Uint8Array(11)), /overruns blob 0/);
  assert.equal(a.chunk(2, 0, 0, new Uint8Array([1, 2, 3, 4])), null);
  const done = a.chunk(2, 0, 4, new Uint8Array([5, 6, 7, 8, 9, 10]));
  assert.deepEqual([...done!.blobs[0]], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(a.bufferedBytes(), 0);
});

test('a site that sends a schema-invalid reply header is disconnected', async () => {
  const s = rawStream(pki.kit('sites/alpha'));
  const connected = waitForEvent<[string]>(srv.server.pool, 'connected', 5000);
  s.write(Buffer.from([3])); // heartbeat opens the stream
  assert.deepEqual(await connected, ['alpha']);
  const gone = waitForEvent<[string, string]>(srv.server.pool, 'disconnected', 5000);
  // A fit reply whose numExamples is a string and which carries an unknown field.
  s.write(headerFrame(JSON.stringify({ id: 1, blobs: [], body: { kind: 'end-job', siteId: 'alpha', evil: true } }), 1 << 20));
  const [site, reason] = await gone;
  assert.equal(site, 'alpha');
  assert.match(reason, /protocol error: message header does not fit the protocol/);
  assert.equal(srv.server.pool.connected().length, 0);
});

test('a site that stops sending heartbeats is marked disconnected after the timeout', async () => {
  const s = rawStream(pki.kit('sites/beta'));
  const connected = waitForEvent<[string]>(srv.server.pool, 'connected', 5000);
  s.write(Buffer.from([3]));
  await connected;
  const t0 = Date.now();
  const [site, reason] = await waitForEvent<[string, string]>(srv.server.pool, 'disconnected', 5000);
  const waited = Date.now() - t0;
  assert.equal(site, 'beta');
  assert.match(reason, /no heartbeat from site beta for \d+ ms/);
  assert.ok(waited >= 350 && waited < 2000, `disconnected after ${waited} ms with a 400 ms timeout`);
  await assert.rejects(
    srv.server.pool.waitFor(1, 50),
    (e: Error & { code?: string }) => e.code === 'MEDFED_ERR_QUORUM_NOT_MET',
  );
});

for (const [label, kit, reason] of [
  ['another CA', () => pki.foreignSite, /^unknown-ca: /],
  ['an expired certificate', () => pki.kit('sites/expired'), /^expired: the certificate expired on /],
  ['a revoked certificate', () => pki.kit('sites/revoked'), /^revoked: serial [0-9a-f]+ was revoked on /],
  ['a researcher certificate', () => pki.kit('users/analyst@example.org'), /^no rights: a researcher certificate cannot connect as a site agent/],
] as const) {
  test(`a client with ${label} is refused and the refusal is audited`, async () => {
    const before = srv.audits.length;
    const s = rawStream(kit());
    s.write(Buffer.from([3]));
    // TLS-level refusals close the socket (the client sees UNAVAILABLE); role refusals close the call.
    const [err] = await waitForEvent<[grpc.ServiceError]>(s, 'error', 5000);
    assert.notEqual(err.code, 0);
    const refusals = await waitForAudit(before);
    assert.equal(refusals.length, 1);
    const r = refusals[0];
    if (r.kind !== 'connection_refused') return;
    assert.match(r.reason, reason);
    assert.equal(srv.server.pool.connected().length, 0);
  });
}
