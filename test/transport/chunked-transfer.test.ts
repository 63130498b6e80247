import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { FitRequest, SiteReply } from '../../src/core/messages.js';
import type { SiteClient } from '../../src/transport/grpc/site-client.js';
import { makeTestPki, type TestPki } from './fixture.js';
import { startTestServer, startTestSite, type TestServer } from './harness.js';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let pki: TestPki;
let srv: TestServer;
let site: SiteClient;
let siteSaw: { weights: string; extra: Record<string, string> } | null = null;

before(async () => {
  pki = await makeTestPki(['alpha', 'beta']);
  srv = await startTestServer(pki.kit('coordinator'));
  // The site echoes the weights back reversed (so the reply is new bytes, checked independently).
  site = startTestSite(pki.kit('sites/alpha'), srv.address, async (r) => {
    assert.equal(r.kind, 'fit');
    const fit = r as FitRequest;
    siteSaw = { weights: sha(fit.weights), extra: Object.fromEntries(Object.entries(fit.directive.extra).map(([k, v]) => [k, sha(v)])) };
    const back = new Uint8Array(fit.weights).reverse();
    return { kind: 'fit', siteId: 'alpha', round: fit.round, weights: back, numExamples: 7, steps: 3, extra: fit.directive.extra, metrics: { loss: 0.5 } };
  });
  await srv.server.pool.waitFor(1, 10_000);
});

after(async () => {
  site.stop();
  await srv.server.close();
});

test('a large tensor set crosses mTLS gRPC in chunks and comes back byte-exact, with bounded memory', async () => {
  // 96 MiB of weights plus two extras, one of a size that is not a multiple of the chunk size.
  const weights = randomFillSync(new Uint8Array(96 * MiB));
  const extraA = randomFillSync(new Uint8Array(5 * MiB + 7));
  const extraB = randomFillSync(new Uint8Array(13));
  const payload = weights.byteLength + extraA.byteLength + extraB.byteLength;
  const req: FitRequest = {
    kind: 'fit', jobId: 'j1', round: 2, strategy: 'fedavg', strategyOptions: {}, weights,
    directive: { config: { mu: 0.1 }, extra: { a: extraA, b: extraB } },
    training: { epochs: 1, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 } }, seed: 42,
  };
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
  const [conn] = srv.server.pool.connected();
  assert.equal(conn.siteId, 'alpha');
  const reply: SiteReply = await conn.request(req);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().arrayBuffers);

  assert.equal(reply.kind, 'fit');
  if (reply.kind !== 'fit') return;
  assert.equal(siteSaw!.weights, sha(weights));
  assert.deepEqual(siteSaw!.extra, { a: sha(extraA), b: sha(extraB) });
  assert.equal(reply.weights.byteLength, weights.byteLength);
  assert.equal(sha(reply.weights), sha(new Uint8Array(weights).reverse()));
  assert.equal(sha(reply.extra.a), sha(extraA));
  assert.equal(reply.numExamples, 7);
  // The tensor bytes travel on bulk HTTP/2 streams beside the Connect stream (bulk-streams.test.ts
  // checks that), read in pieces into the announced arrays; every gRPC message is capped at ~1 MiB
  // (grpc.max_receive_message_length = maxFrameBytes). In one process the site's received copy,
  // its reversed reply and the coordinator's received reply all exist at once: 3 × payload;
  // 1 MiB frames not yet collected add a bounded amount. A transport that concatenated whole
  // messages would add one or more further payload-sized copies per direction.
  const grown = peak - base;
  assert.ok(grown < 3 * payload + 96 * MiB, `array-buffer memory grew by ${(grown / MiB).toFixed(0)} MiB for a ${(payload / MiB).toFixed(0)} MiB message`);
});

test('a request to a site that is not connected fails with SITE_FAILURE', async () => {
  await assert.rejects(
    srv.server.pool.waitFor(2, 300),
    (e: Error & { code?: string }) => e.code === 'MEDFED_ERR_QUORUM_NOT_MET' && /1 of 2 sites connected/.test(e.message),
  );
});
