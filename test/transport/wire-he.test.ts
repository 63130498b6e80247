import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HeRequest } from '../../src/core/messages.js';
import { initialWeights, modelLayout } from '../../src/core/model-params.js';
import { runFederated } from '../../src/coordinator/federated-run.js';
import { makeCkksParams } from '../../src/privacy/he/params.js';
import { withHomomorphicEncryption } from '../../src/site/homomorphic-encryption-site.js';
import { plainRunOptions } from '../fixtures/federated-run-options.js';
import { joinRequest, splitRequest } from '../../src/transport/grpc/wire-codec.js';
import { wireRequestSchema } from '../../src/transport/grpc/wire-schemas.js';
import { shiftingFit, throughWire, wire } from './wire-roundtrip.js';

test('a CKKS run whose every message crosses the wire codec (header JSON + blobs) gives the example-weighted mean', async () => {
  const layout = modelLayout({ inputShape: [4], layers: [{ type: 'dense', units: 3 }], loss: 'softmax_cross_entropy' });
  const initial = initialWeights(layout, 2);
  const ids = ['s1', 's2', 's3'];
  const stages: string[] = [];
  const conns = ids.map((siteId, i) =>
    throughWire(siteId, withHomomorphicEncryption(siteId, shiftingFit(siteId, i)), {
      inbound: (req) => req.kind === 'he' && stages.push(req.stage),
      reply: (reply) => assert.notEqual(reply.kind, 'error', JSON.stringify(reply)),
    }),
  );
  const result = await runFederated({
    ...plainRunOptions({ jobId: 'wire-he', sites: conns, layout, initial, rounds: 1, seed: 1, batchSize: 4 }),
    homomorphicEncryption: { params: makeCkksParams(), exampleTotal: 18 },
  });
  assert.deepEqual(stages.sort(), [...ids.map(() => 'decrypt'), ...ids.map(() => 'key-share'), ...ids.map(() => 'public-key')]);
  const shift = ids.reduce((a, _, i) => a + (5 + i) * 0.02 * (i + 1), 0) / 18;
  for (const [k, t] of result.final) t.data.forEach((v, j) => assert.ok(Math.abs(v - (initial.get(k)!.data[j] + shift)) < 1e-5, `${k}[${j}]`));
});

test('the wire refuses malformed CKKS messages: bad seed, unknown parameter, share lengths that do not add up', () => {
  const keyShare = (seed: Uint8Array, params: object) => splitRequest({ kind: 'he', jobId: 'j', stage: 'key-share', params: params as never, seed });
  assert.ok(wireRequestSchema.safeParse(wire(keyShare(new Uint8Array(32), makeCkksParams()).body)).success);
  assert.equal(wireRequestSchema.safeParse(wire(keyShare(new Uint8Array(31), makeCkksParams()).body)).success, false, 'a 31-byte seed');
  assert.equal(wireRequestSchema.safeParse(wire(keyShare(new Uint8Array(32), { ...makeCkksParams(), secretKey: 1 }).body)).success, false, 'an unknown parameter');
  const pk: HeRequest = { kind: 'he', jobId: 'j', stage: 'public-key', shares: [{ from: 'a', bytes: new Uint8Array([1, 2]) }, { from: 'b', bytes: new Uint8Array([3]) }] };
  const q = splitRequest(pk);
  const back = joinRequest(wireRequestSchema.parse(wire(q.body)), q.blobs);
  assert.ok(back.kind === 'he' && back.stage === 'public-key');
  assert.deepEqual(back.shares.map((s) => [s.from, [...s.bytes]]), [['a', [1, 2]], ['b', [3]]]);
  assert.throws(() => joinRequest(wireRequestSchema.parse(wire(q.body)), [new Uint8Array(4)]), /announce 3 bytes, the blob has 4/);
});
