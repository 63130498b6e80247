import { packWeights, unpackWeights } from '../../src/core/codec.js';
import type { SiteReply, SiteRequest } from '../../src/core/messages.js';
import { tensor } from '../../src/core/tensors.js';
import { joinReply, joinRequest, splitReply, splitRequest } from '../../src/transport/grpc/wire-codec.js';
import { wireReplySchema, wireRequestSchema } from '../../src/transport/grpc/wire-schemas.js';
import type { SiteConnection } from '../../src/transport/transport.js';

/** A JSON round trip, as the gRPC header travels. */
export const wire = <T>(body: T) => JSON.parse(JSON.stringify(body)) as unknown;

/** Site i's "training": every weight + 0.02·(i+1), from 5 + i examples. */
export function shiftingFit(siteId: string, i: number): (req: SiteRequest) => Promise<SiteReply> {
  return async (req) => {
    if (req.kind !== 'fit') throw new Error(req.kind);
    const g = unpackWeights(req.weights);
    const w = new Map([...g].map(([k, t]) => [k, tensor(t.shape, t.data.map((v) => v + 0.02 * (i + 1)))]));
    return { kind: 'fit', siteId, round: req.round, weights: packWeights(w), numExamples: 5 + i, steps: 1, extra: {}, metrics: { loss: 0.5 } };
  };
}

/**
 * A site connection whose every request and reply is split into header and blobs, the header sent
 * through JSON and checked by the wire schemas, then joined again: what the gRPC transport does.
 */
export function throughWire(
  siteId: string,
  handle: (req: SiteRequest) => Promise<SiteReply>,
  observe: { inbound?: (req: SiteRequest) => void; reply?: (reply: SiteReply) => void } = {},
): SiteConnection {
  return {
    siteId,
    async request(req: SiteRequest): Promise<SiteReply> {
      const q = splitRequest(req);
      const inbound = joinRequest(wireRequestSchema.parse(wire(q.body)), q.blobs);
      observe.inbound?.(inbound);
      const reply = await handle(inbound);
      observe.reply?.(reply);
      const r = splitReply(reply);
      return joinReply(wireReplySchema.parse(wire(r.body)), r.blobs);
    },
  };
}
