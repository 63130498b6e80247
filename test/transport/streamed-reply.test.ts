import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { FitRequest } from '../../src/core/messages.js';
import { MessageAssembler, type BlobSink } from '../../src/transport/grpc/message-assembler.js';
import type { SiteClient } from '../../src/transport/grpc/site-client.js';
import { defaultWireLimits } from '../../src/transport/grpc/wire-limits.js';
import { makeTestPki, type TestPki } from './fixture.js';
import { startTestServer, startTestSite, type TestServer } from './harness.js';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('with a sink, the assembler forwards chunks in order and holds no blob bytes', () => {
  const a = new MessageAssembler<{ id: number; blobs: number[] }>(defaultWireLimits);
  const seen: Array<[number, number, number[]]> = [];
  const sink: BlobSink = { chunk: (blob, offset, bytes) => seen.push([blob, offset, [...bytes]]) };
  assert.equal(a.header({ id: 4, blobs: [3, 2] }, sink), null);
  assert.equal(a.bufferedBytes(), 0);
  assert.equal(a.chunk(4, 0, 0, Uint8Array.of(1, 2)), null);
  assert.throws(() => a.chunk(4, 0, 1, Uint8Array.of(9)), /expected 2/);
  assert.throws(() => a.chunk(4, 1, 0, Uint8Array.of(1, 2, 3)), /overruns/);
  assert.equal(a.chunk(4, 0, 2, Uint8Array.of(3)), null);
  const done = a.chunk(4, 1, 0, Uint8Array.of(7, 8));
  assert.deepEqual(done?.blobs.map((b) => b.byteLength), [0, 0]);
  assert.deepEqual(seen, [[0, 0, [1, 2]], [0, 2, [3]], [1, 0, [7, 8]]]);
});

let pki: TestPki;
let srv: TestServer;
let site: SiteClient;
const weights = randomFillSync(new Uint8Array(3 * MiB + 5));
const extra = randomFillSync(new Uint8Array(1000));

before(async () => {
  pki = await makeTestPki(['alpha', 'beta']);
  srv = await startTestServer(pki.kit('coordinator'));
  site = startTestSite(pki.kit('sites/alpha'), srv.address, async (r) => {
    const fit = r as FitRequest;
    return { kind: 'fit', siteId: 'alpha', round: fit.round, weights, numExamples: 42, steps: 1, extra: { m: extra }, metrics: { loss: 0.25 } };
  });
  await srv.server.pool.waitFor(1, 10_000);
});

after(async () => {
  site.stop();
  await srv.server.close();
});

const fit: FitRequest = {
  kind: 'fit', jobId: 'j', round: 3, strategy: 'fedavg', strategyOptions: {}, weights: new Uint8Array(8),
  directive: { config: {}, extra: {} }, training: { epochs: 1, batchSize: 4, optimizer: { name: 'sgd', lr: 0.1 } }, seed: 1,
};

test('a reply streams into a consumer chunk by chunk; the connection stays usable after a consumer fails', async () => {
  const got: Uint8Array[] = [];
  let head: { numExamples: number; sizes: readonly number[]; chunks: number } | null = null;
  const reply = await srv.server.pool.request('alpha', fit, {
    begin: (body, sizes) => {
      assert.equal(body.kind, 'fit');
      const order = body.kind === 'fit' ? [body.weights, body.extra.m] : [];
      const parts = sizes.map((n) => new Uint8Array(n));
      head = { numExamples: body.kind === 'fit' ? body.numExamples : -1, sizes, chunks: 0 };
      got.push(...order.map((i) => parts[i]));
      return { chunk: (blob, offset, bytes) => (parts[blob].set(bytes, offset), head!.chunks++) };
    },
  });
  assert.deepEqual({ ...head!, chunks: head!.chunks > 3 }, { numExamples: 42, sizes: [3 * MiB + 5, 1000], chunks: true });
  assert.equal(sha(got[0]), sha(weights));
  assert.equal(sha(got[1]), sha(extra));
  assert.equal(reply.kind, 'fit');
  assert.equal(reply.kind === 'fit' && reply.weights.byteLength, 0);

  await assert.rejects(srv.server.pool.request('alpha', fit, { begin: () => ({ chunk: () => { throw new Error('sum shape mismatch'); } }) }), /sum shape mismatch/);
  await assert.rejects(srv.server.pool.request('alpha', fit, { begin: () => { throw new Error('not a fit reply'); } }), /not a fit reply/);
  const whole = await srv.server.pool.request('alpha', fit);
  assert.equal(whole.kind === 'fit' && sha(whole.weights), sha(weights));
});
