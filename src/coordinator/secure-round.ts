import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { SecAggRequest, SecureAggregationRequest, SiteReply } from '../core/messages.js';
import type { Weights } from '../core/tensors.js';
import { makeSecAggConfig } from '../privacy/secagg/config.js';
import { addScaledVector, vectorLength } from '../privacy/secagg/model-vector.js';
import { SecAggServer } from '../privacy/secagg/server.js';
import type { SiteConnection } from '../transport/transport.js';
import { beforeDeadline } from './round-deadline.js';

/** Secure aggregation settings of a run (study or job spec `federation.secureAggregation`). */
export interface SecureAggregationOptions {
  readonly clipRange: number;
  readonly modulusBits: number;
  readonly neighbours?: number;
  /** The largest training set among the sites (prepare replies): every site weights its update by n / exampleScale. */
  readonly exampleScale: number;
}

/** Strategies whose server step needs only the example-weighted mean of the updates. */
export const SECURE_AGGREGATION_STRATEGIES: readonly string[] = ['fedavg', 'fedprox', 'fedadam', 'fedyogi', 'fedadagrad'];

export function secureAggregationRequest(o: SecureAggregationOptions, maxClients: number): SecureAggregationRequest {
  return {
    clipRange: o.clipRange,
    modulusBits: o.modulusBits,
    maxClients,
    exampleScale: o.exampleScale,
    ...(o.neighbours !== undefined ? { neighbours: o.neighbours } : {}),
  };
}

export interface KeyedReply {
  readonly siteId: string;
  readonly numExamples: number;
  readonly cPublicKey: Uint8Array;
  readonly sPublicKey: Uint8Array;
}

export interface SecureRoundResult {
  /** The example-weighted mean of the survivors' updates applied to the global model. */
  readonly weights: Map<string, import('../core/tensors.js').Tensor>;
  /** Sites whose update is in the mean, and their examples in total. */
  readonly survivors: readonly string[];
  readonly numExamples: number;
  /** Sites that sent keys but dropped at a later stage, with the reason. */
  readonly dropped: Readonly<Record<string, string>>;
}

/**
 * The coordinator's side of one SecAgg+ round (privacy/secagg/server.ts) over the sites' connections:
 * the sites' keys arrived with their fit replies; then share, mask and unmask requests, each stage
 * closing at the round deadline (a site that does not answer has dropped and the protocol recovers
 * without it). The coordinator learns the sum of (n_i / exampleScale) · Δ_i over the survivors and
 * their n_i, so the example-weighted mean update, nothing about any one site's update.
 */
export async function secureAggregateRound(o: {
  readonly jobId: string;
  readonly round: number;
  readonly sites: readonly SiteConnection[];
  readonly replies: readonly KeyedReply[];
  readonly global: Weights;
  readonly options: SecureAggregationOptions;
  readonly maxClients: number;
  readonly deadlineAt?: number;
  readonly signal?: AbortSignal;
}): Promise<SecureRoundResult> {
  const config = makeSecAggConfig({
    round: o.round,
    dimension: vectorLength(o.global),
    maxClients: o.maxClients,
    clipRange: o.options.clipRange,
    modulusBits: o.options.modulusBits,
    ...(o.options.neighbours !== undefined ? { neighbours: o.options.neighbours } : {}),
  });
  const server = new SecAggServer(config);
  const dropped: Record<string, string> = {};
  for (const r of o.replies) server.receiveAdvertiseKeys({ round: o.round, clientId: r.siteId, cPublicKey: r.cPublicKey, sPublicKey: r.sPublicKey });

  /** Sends one stage's messages; the replies that arrive before the deadline are passed to `accept`. */
  const stage = async <M extends { clientId: string }>(name: SecAggRequest['stage'], messages: readonly M[], accept: (reply: Extract<SiteReply, { kind: 'secagg' }>) => void | Promise<void>) => {
    const settled = await Promise.allSettled(
      messages.map(async (message) => {
        const conn = o.sites.find((s) => s.siteId === message.clientId);
        if (!conn) throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `no connection to site ${message.clientId}`);
        const request = { kind: 'secagg', jobId: o.jobId, round: o.round, stage: name, message } as unknown as SecAggRequest;
        const reply = await beforeDeadline(conn.request(request), o.deadlineAt, `site ${message.clientId} secure aggregation ${name} (round ${o.round})`, o.signal);
        if (reply.kind === 'error') throw MedfedError.fromJSON(reply.error);
        if (reply.kind !== 'secagg' || reply.stage !== name || reply.siteId !== message.clientId) {
          throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${message.clientId} answered "${reply.kind}" to the secure-aggregation ${name} request`);
        }
        await accept(reply);
      }),
    );
    settled.forEach((s, i) => {
      if (s.status === 'rejected') {
        if (o.signal?.aborted) throw s.reason;
        dropped[messages[i].clientId] = s.reason instanceof MedfedError ? s.reason.describe() : String(s.reason);
      }
    });
  };

  await stage('share', server.neighbourKeys(), (r) => {
    if (r.stage === 'share') server.receiveShareKeys(r.message);
  });
  await stage('mask', server.forwardShares(), (r) => {
    if (r.stage === 'mask') server.receiveMaskedInput(r.message);
  });
  await stage('unmask', server.unmaskRequests(), (r) => {
    if (r.stage === 'unmask') server.receiveUnmaskResponse(r.message);
  });
  const result = await server.result();
  const n = new Map(o.replies.map((r) => [r.siteId, r.numExamples]));
  const numExamples = result.survivors.reduce((a, id) => a + (n.get(id) ?? 0), 0);
  if (!(numExamples > 0)) throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `round ${o.round}: no update survived secure aggregation`);
  for (const id of result.dropped) dropped[id] ??= 'dropped before its masked input reached the coordinator';
  // sum = Σ (n_i / S) Δ_i  →  mean Δ = sum · S / Σ n_i
  return {
    weights: addScaledVector(o.global, result.sum, o.options.exampleScale / numExamples),
    survivors: result.survivors,
    numExamples,
    dropped,
  };
}
