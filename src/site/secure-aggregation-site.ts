import { unpackWeights } from '../core/codec.js';
import { asMedfedError, ErrorCodes, MedfedError } from '../core/errors.js';
import type { FitReplyMessage, FitRequest, SecAggReply, SecAggRequest, SiteReply, SiteRequest } from '../core/messages.js';
import { makeSecAggConfig } from '../privacy/secagg/config.js';
import { SecAggClient } from '../privacy/secagg/client.js';
import { flattenDelta } from '../privacy/secagg/model-vector.js';

type Handle = (req: SiteRequest) => Promise<SiteReply>;

interface Session {
  readonly round: number;
  readonly client: SecAggClient;
  readonly input: Float64Array;
}

/**
 * Secure aggregation at a site (SecAgg+, docs/secure-aggregation.md), around whatever answers the
 * site's requests (the runtime in the simulator; runtime plus release gate in a site agent, so the
 * masked vector is the update exactly as the site's policy released it).
 *
 * A fit request with `secureAggregation` is trained and released as usual; then, instead of the
 * weights, the reply carries the site's SecAgg+ public keys, and the site keeps
 * (n / exampleScale) · (released − global) for the round's later stages ("secagg" requests:
 * share, mask, unmask). The update itself never leaves: only its masked form does.
 */
export function withSecureAggregation(siteId: string, handle: Handle): Handle {
  const sessions = new Map<string, Session>();
  const fail = (e: unknown): SiteReply => ({ kind: 'error', siteId, error: asMedfedError(e).toJSON() });

  const fit = async (req: FitRequest & { secureAggregation: NonNullable<FitRequest['secureAggregation']> }): Promise<SiteReply> => {
    sessions.delete(req.jobId); // a new round (or a retried one) starts a new session
    const reply = await handle(req);
    if (reply.kind !== 'fit') return reply;
    try {
      const s = req.secureAggregation;
      if (!(reply.numExamples <= s.exampleScale)) {
        throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${siteId} trained on ${reply.numExamples} examples, more than the job's exampleScale ${s.exampleScale}`, {
          where: `job "${req.jobId}" round ${req.round}`,
          hint: 'the coordinator sets exampleScale to the largest training set of the job',
        });
      }
      const global = unpackWeights(req.weights, `global model (round ${req.round})`);
      const local = unpackWeights(reply.weights, `site ${siteId} update (round ${req.round})`);
      const { vector, clipped } = flattenDelta(local, global, reply.numExamples / s.exampleScale, s.clipRange);
      const config = makeSecAggConfig({
        round: req.round,
        dimension: vector.length,
        maxClients: s.maxClients,
        clipRange: s.clipRange,
        modulusBits: s.modulusBits,
        ...(s.neighbours !== undefined ? { neighbours: s.neighbours } : {}),
      });
      const client = new SecAggClient(siteId, config);
      const keys = client.advertiseKeys();
      sessions.set(req.jobId, { round: req.round, client, input: vector });
      const masked: FitReplyMessage = {
        ...reply,
        weights: new Uint8Array(0),
        extra: {},
        metrics: { ...reply.metrics, secAggClippedFraction: clipped / Math.max(1, vector.length) },
        secAggKeys: { cPublicKey: keys.cPublicKey, sPublicKey: keys.sPublicKey },
      };
      return masked;
    } catch (e) {
      return fail(e);
    }
  };

  const stage = async (req: SecAggRequest): Promise<SiteReply> => {
    try {
      const session = sessions.get(req.jobId);
      if (!session || session.round !== req.round) {
        throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${siteId} has no secure-aggregation session for job "${req.jobId}" round ${req.round}`, {
          hint: 'the round must start with a fit request asking for secure aggregation',
        });
      }
      const base = { kind: 'secagg' as const, siteId, round: req.round };
      let out: SecAggReply;
      switch (req.stage) {
        case 'share':
          out = { ...base, stage: 'share', message: await session.client.shareKeys(req.message) };
          break;
        case 'mask':
          out = { ...base, stage: 'mask', message: session.client.maskedInput(req.message, session.input) };
          break;
        case 'unmask':
          out = { ...base, stage: 'unmask', message: session.client.unmask(req.message) };
          sessions.delete(req.jobId); // the round is over for this site
          break;
      }
      return out;
    } catch (e) {
      return fail(e);
    }
  };

  return async (req) => {
    if (req.kind === 'fit' && req.secureAggregation) return fit(req as Parameters<typeof fit>[0]);
    if (req.kind === 'secagg') return stage(req);
    if (req.kind === 'end-job') sessions.delete(req.jobId);
    return handle(req);
  };
}
