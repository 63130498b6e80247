import { packExtras, packWeights, unpackExtras, unpackModelWeights } from '../core/codec.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { FitReplyMessage, FitRequest, Scalars, SiteReply, TrainingConfig } from '../core/messages.js';
import type { ModelLayout } from '../core/model-params.js';
import { deriveSeed } from '../core/random.js';
import { allFinite, type Weights } from '../core/tensors.js';
import type { FitReply, ServerStrategy } from '../strategies/strategy.js';
import type { SiteConnection } from '../transport/transport.js';
import { beforeDeadline, throwIfAborted } from './round-deadline.js';
import { sampleSites } from './site-sampling.js';
import { SECURE_AGGREGATION_STRATEGIES, secureAggregateRound, secureAggregationRequest, type SecureAggregationOptions } from './secure-round.js';
import { checkHomomorphicStudy, heAggregateRound, heKeySetup, type HeRunKeys, type HomomorphicEncryptionOptions } from './he-round.js';

export interface FederatedRunOptions {
  readonly jobId: string;
  readonly sites: readonly SiteConnection[];
  readonly strategyName: string;
  readonly strategyOptions: Scalars;
  readonly strategy: ServerStrategy;
  readonly layout: ModelLayout;
  readonly initial: Weights;
  readonly rounds: number;
  readonly fractionFit: number;
  /** Fewest replies a round may aggregate; fewer → QUORUM_NOT_MET. */
  readonly minSites: number;
  readonly seed: number;
  readonly training: TrainingConfig;
  /** Ask every site to evaluate the new global model after each round. */
  readonly evaluateSites: boolean;
  /**
   * Called after each round, awaited before the next one: the checkpoint hook. If it throws, the
   * run stops and that round does not count as done.
   */
  readonly onRound?: (record: RoundRecord) => void | Promise<void>;
  /** Called when a round starts, with the sites sampled for it. */
  readonly onRoundStart?: (round: number, sampled: readonly string[]) => void | Promise<void>;
  /** Resume: the first round to run (default 1); `initial` is then the global model as of the end of round startRound − 1. */
  readonly startRound?: number;
  /** Resume: server strategy state (from a checkpoint) restored before the first round. */
  readonly initialStrategyState?: Record<string, Weights>;
  /**
   * Per-round deadline in ms: fit replies (and, separately, evaluation replies) arriving later are
   * dropped and the site counts as failed for the round. Default: no deadline.
   */
  readonly roundDeadlineMs?: number;
  /**
   * A site that answers JOB_NOT_PREPARED (it restarted) is prepared again through this hook and its
   * fit retried once, within the same deadline.
   */
  readonly reprepare?: (siteId: string) => Promise<void>;
  /** 'throw' (default): a failed evaluation fails the run; 'skip': that site is left out of the round's metrics. */
  readonly evaluationFailures?: 'throw' | 'skip';
  /** Aborts the run between and during rounds (JOB_ABORTED, or the reason given to abort()). */
  readonly signal?: AbortSignal;
  /**
   * SecAgg+ every round (coordinator/secure-round.ts): sites send masked updates and the strategy
   * sees only their example-weighted mean. Needs 3+ sites per round and a mean-based strategy.
   */
  readonly secureAggregation?: SecureAggregationOptions;
  /**
   * CKKS every round (coordinator/he-round.ts): one n-of-n key setup with all sites, then sites send
   * encrypted updates and the strategy sees only their decrypted example-weighted mean. Needs a
   * mean-based strategy; not with secureAggregation.
   */
  readonly homomorphicEncryption?: HomomorphicEncryptionOptions;
}

export interface RoundRecord {
  readonly round: number;
  readonly global: Weights;
  readonly sampled: readonly string[];
  readonly failed: Readonly<Record<string, string>>;
  /** Example-weighted mean training loss of the replies. */
  readonly trainLoss: number;
  readonly siteMetrics: Readonly<Record<string, Record<string, number | null>>>;
  /** Sites whose evaluation failed or timed out (evaluationFailures: 'skip'), with the reason. */
  readonly evaluationFailed: Readonly<Record<string, string>>;
  readonly durationMs: number;
}

export interface FederatedRunResult {
  readonly final: Weights;
  readonly rounds: readonly RoundRecord[];
}

/** A fit reply as received: in a secure-aggregation round, keys instead of weights. */
interface ReceivedFit extends FitReply {
  readonly secAggKeys?: FitReplyMessage['secAggKeys'];
  readonly heContribution?: Uint8Array;
}

function expectReply<K extends SiteReply['kind']>(reply: SiteReply, kind: K, siteId: string): Extract<SiteReply, { kind: K }> {
  if (reply.kind === 'error') throw MedfedError.fromJSON(reply.error);
  if (reply.kind !== kind) {
    throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${siteId} answered "${reply.kind}" to a "${kind}" request`);
  }
  return reply as Extract<SiteReply, { kind: K }>;
}

/** The coordinator's round loop: sample → configure → collect → aggregate → evaluate. */
export async function runFederated(o: FederatedRunOptions): Promise<FederatedRunResult> {
  const ids = o.sites.map((s) => s.siteId);
  if (o.secureAggregation) checkSecureAggregation(o);
  if (o.homomorphicEncryption) checkHomomorphicEncryption(o);
  if (o.initialStrategyState) o.strategy.importState(o.initialStrategyState);
  let global: Weights = o.initial;
  const records: RoundRecord[] = [];
  const he = o.homomorphicEncryption
    ? await heKeySetup({ jobId: o.jobId, sites: o.sites, params: o.homomorphicEncryption.params, deadlineMs: o.roundDeadlineMs, signal: o.signal })
    : undefined;
  for (let round = o.startRound ?? 1; round <= o.rounds; round++) {
    throwIfAborted(o.signal);
    const t0 = Date.now();
    const deadlineAt = o.roundDeadlineMs === undefined ? undefined : t0 + o.roundDeadlineMs;
    const ctx = { round, totalSites: ids.length, layout: o.layout };
    const sampled = sampleSites(ids, o.fractionFit, o.minSites, o.seed, round);
    await o.onRoundStart?.(round, sampled);
    const directive = o.strategy.configureFit(ctx, global);
    const weights = packWeights(global);
    const extra = packExtras(directive.extra);
    const settled = await Promise.allSettled(
      sampled.map((id) => {
        const request: FitRequest = {
          kind: 'fit',
          jobId: o.jobId,
          round,
          strategy: o.strategyName,
          strategyOptions: o.strategyOptions,
          weights,
          directive: { config: directive.config, extra },
          training: o.training,
          seed: deriveSeed(o.seed, 'fit', id, round),
          ...(o.secureAggregation ? { secureAggregation: secureAggregationRequest(o.secureAggregation, sampled.length) } : {}),
          ...(o.homomorphicEncryption ? { homomorphicEncryption: { exampleTotal: o.homomorphicEncryption.exampleTotal } } : {}),
        };
        return beforeDeadline(fitSite(o, id, request), deadlineAt, `site ${id} (round ${round})`, o.signal);
      }),
    );
    throwIfAborted(o.signal);
    const replies: ReceivedFit[] = [];
    const failed: Record<string, string> = {};
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') replies.push(s.value);
      else failed[sampled[i]] = s.reason instanceof MedfedError ? s.reason.describe() : String(s.reason);
    });
    if (replies.length < Math.min(o.minSites, sampled.length) || replies.length === 0) {
      const why = Object.entries(failed).map(([id, e]) => `${id}: ${e}`).join('; ');
      throw new MedfedError(
        ErrorCodes.QUORUM_NOT_MET,
        `round ${round}: ${replies.length} of ${sampled.length} sites replied (${replies.map((r) => r.siteId).join(', ') || 'none'}), ${o.minSites} needed; failed or timed out: ${why}`,
        { hint: 'check the failing sites, or lower federation.minSites' },
      );
    }
    replies.sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
    const protectedRound: ProtectedRound = { round, global, replies, sampledCount: sampled.length, deadlineAt, failed };
    const toAggregate = o.secureAggregation
      ? await secureReplies(o, protectedRound)
      : he
        ? await encryptedReplies(o, he, protectedRound)
        : replies;
    const next = o.strategy.aggregateFit(ctx, global, toAggregate);
    if (!allFinite(next)) {
      throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `round ${round}: the aggregated model has non-finite values`, {
        hint: 'lower the learning rate (local or server) or check the input normalisation',
      });
    }
    global = next;
    const evaluation = o.evaluateSites ? await evaluateEverywhere(o, round, global) : { metrics: {}, failed: {} };
    throwIfAborted(o.signal);
    const n = replies.reduce((a, r) => a + r.numExamples, 0);
    const trainLoss = replies.reduce((a, r) => a + (r.metrics.loss ?? 0) * r.numExamples, 0) / n;
    const record: RoundRecord = {
      round,
      global,
      sampled,
      failed,
      trainLoss,
      siteMetrics: evaluation.metrics,
      evaluationFailed: evaluation.failed,
      durationMs: Date.now() - t0,
    };
    records.push(record);
    await o.onRound?.(record);
  }
  return { final: global, rounds: records };
}

/** Secure aggregation needs 3+ sites a round (SecAgg+ thresholds) and a strategy that uses only the mean update. */
function checkSecureAggregation(o: FederatedRunOptions): void {
  if (!SECURE_AGGREGATION_STRATEGIES.includes(o.strategyName)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `strategy "${o.strategyName}" needs each site's own update; secure aggregation gives the coordinator only their sum`, {
      where: 'federation.secureAggregation',
      hint: `use one of ${SECURE_AGGREGATION_STRATEGIES.join(', ')}, or turn secure aggregation off`,
    });
  }
  const perRound = Math.max(o.minSites, Math.ceil(o.fractionFit * o.sites.length));
  if (perRound < 3 && o.sites.length < 3) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `secure aggregation needs at least 3 sites per round; this run has ${o.sites.length}`, {
      where: 'federation.secureAggregation',
      hint: 'add sites, or turn secure aggregation off',
    });
  }
}

/** CKKS needs a strategy that uses only the mean update, excludes SecAgg+, and 2+ sites. */
function checkHomomorphicEncryption(o: FederatedRunOptions): void {
  checkHomomorphicStudy({ homomorphicEncryption: o.homomorphicEncryption, secureAggregation: o.secureAggregation }, [{ name: o.strategyName }]);
  if (o.sites.length < 2) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `homomorphic encryption needs at least 2 sites; this run has ${o.sites.length}`, {
      where: 'federation.homomorphicEncryption',
      hint: 'add sites, or turn homomorphic encryption off',
    });
  }
}

/** A round whose updates are protected (SecAgg+ or CKKS): what its aggregation step needs. */
interface ProtectedRound {
  readonly round: number;
  readonly global: Weights;
  readonly replies: readonly ReceivedFit[];
  readonly sampledCount: number;
  readonly deadlineAt: number | undefined;
  /** Sites that fail during the protocol are added here. */
  readonly failed: Record<string, string>;
}

/** The round's encrypted replies → one reply holding the decrypted example-weighted mean (what mean-based strategies need). */
async function encryptedReplies(o: FederatedRunOptions, keys: HeRunKeys, pr: ProtectedRound): Promise<FitReply[]> {
  const { round, global, replies, sampledCount, deadlineAt, failed } = pr;
  const contributions = replies.map((r) => {
    if (!r.heContribution) throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${r.siteId} sent its update in the clear in a homomorphic-encryption round`);
    return { siteId: r.siteId, numExamples: r.numExamples, bytes: r.heContribution };
  });
  const result = await heAggregateRound({ jobId: o.jobId, round, sites: o.sites, keys, contributions, global, deadlineAt, signal: o.signal });
  Object.assign(failed, result.refused);
  return aggregateReply(o, round, sampledCount, 'encrypted-aggregate', result.contributors.length, 'encrypted updates were accepted', result);
}

/**
 * The one reply a protected round (secure aggregation, CKKS) hands to the strategy: the decoded
 * example-weighted mean, once at least min(minSites, sampled) sites contributed to it.
 */
function aggregateReply(
  o: FederatedRunOptions,
  round: number,
  sampledCount: number,
  siteId: string,
  contributors: number,
  what: string,
  mean: { readonly weights: Weights; readonly numExamples: number },
): FitReply[] {
  if (contributors < Math.min(o.minSites, sampledCount)) {
    throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `round ${round}: ${contributors} ${what}, ${o.minSites} needed`, {
      hint: 'check the failing sites, or lower federation.minSites',
    });
  }
  return [{ siteId, weights: mean.weights, numExamples: mean.numExamples, steps: 0, extra: {}, metrics: {} }];
}

/** The round's masked replies → one reply holding the survivors' example-weighted mean (what mean-based strategies need). */
async function secureReplies(o: FederatedRunOptions, pr: ProtectedRound): Promise<FitReply[]> {
  const { round, global, replies, sampledCount, deadlineAt, failed } = pr;
  const keyed = replies.map((r) => {
    const keys = r.secAggKeys;
    if (!keys) throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${r.siteId} sent its update in the clear in a secure-aggregation round`);
    return { siteId: r.siteId, numExamples: r.numExamples, ...keys };
  });
  const secure = await secureAggregateRound({
    jobId: o.jobId,
    round,
    sites: o.sites,
    replies: keyed,
    global,
    options: o.secureAggregation!,
    maxClients: sampledCount,
    deadlineAt,
    signal: o.signal,
  });
  Object.assign(failed, secure.dropped);
  return aggregateReply(o, round, sampledCount, 'secure-aggregate', secure.survivors.length, 'sites survived secure aggregation', secure);
}

/** One site's fit; a site that lost the job (restarted) is prepared again and asked once more. */
async function fitSite(o: FederatedRunOptions, id: string, request: FitRequest): Promise<ReceivedFit> {
  const conn = o.sites.find((s) => s.siteId === id)!;
  let reply = await conn.request(request);
  if (reply.kind === 'error' && reply.error.code === ErrorCodes.JOB_NOT_PREPARED && o.reprepare) {
    await o.reprepare(id);
    reply = await conn.request(request);
  }
  return decodeFitReply(expectReply(reply, 'fit', id), o.layout);
}

function decodeFitReply(m: FitReplyMessage, layout: ModelLayout): ReceivedFit {
  const source = `site ${m.siteId} update (round ${m.round})`;
  if (!(m.numExamples > 0)) throw new MedfedError(ErrorCodes.SITE_FAILURE, `${source} reports ${m.numExamples} training examples`);
  if (m.secAggKeys) {
    // Secure aggregation: no weights, only the keys; the update arrives masked in the later stages.
    return { siteId: m.siteId, weights: new Map(), numExamples: m.numExamples, steps: m.steps, extra: {}, metrics: m.metrics, secAggKeys: m.secAggKeys };
  }
  if (m.heContribution) {
    // Homomorphic encryption: no weights, the encrypted update only.
    return { siteId: m.siteId, weights: new Map(), numExamples: m.numExamples, steps: m.steps, extra: {}, metrics: m.metrics, heContribution: m.heContribution };
  }
  return {
    siteId: m.siteId,
    weights: unpackModelWeights(m.weights, layout, source),
    numExamples: m.numExamples,
    steps: m.steps,
    extra: unpackExtras(m.extra, source),
    metrics: m.metrics,
  };
}

async function evaluateEverywhere(o: FederatedRunOptions, round: number, global: Weights) {
  const weights = packWeights(global);
  const deadlineAt = o.roundDeadlineMs === undefined ? undefined : Date.now() + o.roundDeadlineMs;
  const metrics: Record<string, Record<string, number | null>> = {};
  const failed: Record<string, string> = {};
  await Promise.all(
    o.sites.map(async (s) => {
      try {
        const ask = s.request({ kind: 'evaluate', jobId: o.jobId, round, strategy: o.strategyName, strategyOptions: o.strategyOptions, weights });
        const reply = await beforeDeadline(ask, deadlineAt, `site ${s.siteId} evaluation (round ${round})`, o.signal);
        metrics[s.siteId] = expectReply(reply, 'evaluate', s.siteId).metrics;
      } catch (e) {
        if (o.evaluationFailures !== 'skip' || (e instanceof MedfedError && e.code === ErrorCodes.JOB_ABORTED)) throw e;
        failed[s.siteId] = e instanceof MedfedError ? e.describe() : String(e);
      }
    }),
  );
  const sorted = <T>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { metrics: sorted(metrics), failed: sorted(failed) };
}
