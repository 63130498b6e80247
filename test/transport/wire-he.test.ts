import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packWeights, unpackWeights } from '../../src/core/codec.js';
import type { HeRequest, SiteReply, SiteRequest } from '../../src/core/messages.js';
import { initialWeights, modelLayout } from '../../src/core/model-params.js';
import { tensor } from '../../src/core/tensors.js';
import { runFederated } from '../../src/coordinator/federated-run.js';
import { makeCkksParams } from '../../src/privacy/he/params.js';
import { withHomomorphicEncryption } from '../../src/site/homomorphic-encryption-site.js';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';
import { joinReply, joinRequest, splitReply, splitRequest } from '../../src/transport/grpc/wire-codec.js';
import { wireReplySchema, wireRequestSchema } from '../../src/transport/grpc/wire-schemas.js';

const wire = <T>(body: T) => JSON.parse(JSON.stringify(body)) as unknown;

test('a CKKS run whose every message crosses the wire codec (header JSON + blobs) gives the example-weighted mean', async () => {
  const layout = modelLayout({ inputShape: [4], layers: [{ type: 'dense', units: 3 }], loss: 'softmax_cross_entropy' });
  const initial = initialWeights(layout, 2);
  const ids = ['s1', 's2', 's3'];
  const stages: string[] = [];
  const conns = ids.map((siteId, i) => {
    const handle = withHomomorphicEncryption(siteId, async (req: SiteRequest): Promise<SiteReply> => {
      if (req.kind !== 'fit') throw new Error(req.kind);
      const g = unpackWeights(req.weights);
      const w = new Map([...g].map(([k, t]) => [k, tensor(t.shape, t.data.map((v) => v + 0.02 * (i + 1)))]));
      return { kind: 'fit', siteId, round: req.round, weights: packWeights(w), numExamples: 5 + i, steps: 1, extra: {}, metrics: { loss: 0.5 } };
    });
    return {
      siteId,
      async request(req: SiteRequest): Promise<SiteReply> {
        const q = splitRequest(req);
        const inbound = joinRequest(wireRequestSchema.parse(wire(q.body)), q.blobs);
        if (inbound.kind === 'he') stages.push(inbound.stage);
        const reply = await handle(inbound);
        assert.notEqual(reply.kind, 'error', JSON.stringify(reply));
        const r = splitReply(reply);
        return joinReply(wireReplySchema.parse(wire(r.body)), r.blobs);
      },
    };
  });
  const result = await runFederated({
    jobId: 'wire-he',
    sites: conns,
    strategyName: 'fedavg',
    strategyOptions: {},
    strategy: getStrategy('fedavg').createServer(parseStrategyOptions('fedavg', {}, 's'), layout),
    layout,
    initial,
    rounds: 1,
    fractionFit: 1,
    minSites: 3,
    seed: 1,
    training: { epochs: 1, batchSize: 4, optimizer: { name: 'sgd', lr: 0.1 } },
    evaluateSites: false,
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
