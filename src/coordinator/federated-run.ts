import { packExtras, packWeights, unpackExtras, unpackModelWeights } from '../core/codec.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { FitReplyMessage, Scalars, SiteReply, TrainingConfig } from '../core/messages.js';
import type { ModelLayout } from '../core/model-params.js';
import { deriveSeed } from '../core/random.js';
import { allFinite, type Weights } from '../core/tensors.js';
import type { FitReply, ServerStrategy } from '../strategies/strategy.js';
import type { SiteConnection } from '../transport/transport.js';
import { sampleSites } from './site-sampling.js';

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
  readonly onRound?: (record: RoundRecord) => void | Promise<void>;
}

export interface RoundRecord {
  readonly round: number;
  readonly global: Weights;
  readonly sampled: readonly string[];
  readonly failed: Readonly<Record<string, string>>;
  /** Example-weighted mean training loss of the replies. */
  readonly trainLoss: number;
  readonly siteMetrics: Readonly<Record<string, Record<string, number | null>>>;
  readonly durationMs: number;
}

export interface FederatedRunResult {
  readonly final: Weights;
  readonly rounds: readonly RoundRecord[];
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
  const byId = new Map(o.sites.map((s) => [s.siteId, s]));
  let global: Weights = o.initial;
  const records: RoundRecord[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const t0 = Date.now();
    const ctx = { round, totalSites: ids.length, layout: o.layout };
    const sampled = sampleSites(ids, o.fractionFit, o.minSites, o.seed, round);
    const directive = o.strategy.configureFit(ctx, global);
    const weights = packWeights(global);
    const extra = packExtras(directive.extra);
    const settled = await Promise.allSettled(
      sampled.map(async (id) => {
        const reply = await byId.get(id)!.request({
          kind: 'fit',
          jobId: o.jobId,
          round,
          strategy: o.strategyName,
          strategyOptions: o.strategyOptions,
          weights,
          directive: { config: directive.config, extra },
          training: o.training,
          seed: deriveSeed(o.seed, 'fit', id, round),
        });
        return decodeFitReply(expectReply(reply, 'fit', id), o.layout);
      }),
    );
    const replies: FitReply[] = [];
    const failed: Record<string, string> = {};
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') replies.push(s.value);
      else failed[sampled[i]] = s.reason instanceof MedfedError ? s.reason.describe() : String(s.reason);
    });
    if (replies.length < Math.min(o.minSites, sampled.length) || replies.length === 0) {
      const why = Object.entries(failed).map(([id, e]) => `${id}: ${e}`).join('; ');
      throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `round ${round}: ${replies.length} of ${sampled.length} sites replied, ${o.minSites} needed (${why})`, {
        hint: 'check the failing sites, or lower federation.minSites',
      });
    }
    replies.sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
    const next = o.strategy.aggregateFit(ctx, global, replies);
    if (!allFinite(next)) {
      throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `round ${round}: the aggregated model has non-finite values`, {
        hint: 'lower the learning rate (local or server) or check the input normalisation',
      });
    }
    global = next;
    const siteMetrics = o.evaluateSites ? await evaluateEverywhere(o, round, global) : {};
    const n = replies.reduce((a, r) => a + r.numExamples, 0);
    const trainLoss = replies.reduce((a, r) => a + (r.metrics.loss ?? 0) * r.numExamples, 0) / n;
    const record: RoundRecord = { round, global, sampled, failed, trainLoss, siteMetrics, durationMs: Date.now() - t0 };
    records.push(record);
    await o.onRound?.(record);
  }
  return { final: global, rounds: records };
}

function decodeFitReply(m: FitReplyMessage, layout: ModelLayout): FitReply {
  const source = `site ${m.siteId} update (round ${m.round})`;
  if (!(m.numExamples > 0)) throw new MedfedError(ErrorCodes.SITE_FAILURE, `${source} reports ${m.numExamples} training examples`);
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
  const out: Record<string, Record<string, number | null>> = {};
  await Promise.all(
    o.sites.map(async (s) => {
      const reply = await s.request({ kind: 'evaluate', jobId: o.jobId, round, strategy: o.strategyName, strategyOptions: o.strategyOptions, weights });
      out[s.siteId] = expectReply(reply, 'evaluate', s.siteId).metrics;
    }),
  );
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
