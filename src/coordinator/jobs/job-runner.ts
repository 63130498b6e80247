import { join } from 'node:path';
import type { AuditEvent } from '../../audit/events.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { jobTrainingConfig, type JobSpec } from '../../core/job-spec.js';
import type { PrepareReply, SiteReply } from '../../core/messages.js';
import { initialWeights, modelLayout, type ModelLayout } from '../../core/model-params.js';
import { encodeSafetensors } from '../../core/safetensors.js';
import type { Weights } from '../../core/tensors.js';
import { encodedFeatureNames } from '../../data/encode.js';
import type { Normalization } from '../../data/table.js';
import { writeFileAtomic } from '../../node/atomic-write.js';
import { renderReport } from '../../report/html.js';
import { getStrategy, parseStrategyOptions } from '../../strategies/registry.js';
import type { SiteConnection } from '../../transport/transport.js';
import { federatedNormalization } from '../federated-normalization.js';
import { runFederated, type RoundRecord } from '../federated-run.js';
import { ckksParamsOf } from '../he-round.js';
import { beforeDeadline, throwIfAborted } from '../round-deadline.js';
import { jobDir, readRoundCheckpoint, writeRoundCheckpoint } from './checkpoints.js';
import { jobConnection } from './job-connections.js';
import { headAnchoring } from './anchor-heads.js';
import { jobResults } from './job-results.js';
import type { SitePool } from './site-pool.js';
import type { JobRecord, JobStore, LogLevel } from './store.js';

export interface JobRunHooks {
  /** Called after a round is aggregated, before its checkpoint is written (tests stop the coordinator here). */
  beforeCheckpoint?(jobId: string, round: number): void | Promise<void>;
}

export interface JobRunContext {
  readonly store: JobStore;
  readonly dataDir: string;
  readonly sites: SitePool;
  readonly audit?: { append(event: AuditEvent): unknown };
  readonly version: string;
  readonly job: JobRecord;
  readonly spec: JobSpec;
  readonly signal: AbortSignal;
  readonly waitForSitesMs: number;
  readonly hooks?: JobRunHooks;
}

/** The model's layout from the job spec: input width from the inline schema's encoded features. */
export function jobLayout(spec: JobSpec): ModelLayout {
  const features = spec.schema.columns.filter((c) => c.name !== spec.schema.label).map((c) => ({ spec: c, values: new Float64Array(0) }));
  return modelLayout({ inputShape: [encodedFeatureNames({ features }).length], layers: spec.model.layers, loss: 'softmax_cross_entropy' });
}

/**
 * Runs (or resumes) one job to completion: sites → federated normalisation → prepare → rounds
 * with a checkpoint after each → final weights, results.json and report.html. Throws on failure;
 * the JobManager records the outcome.
 */
export async function runJob(c: JobRunContext): Promise<void> {
  const { job, spec, store } = c;
  const started = Date.now();
  const log = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => store.appendEvent(job.id, level, message, fields);
  const dir = jobDir(c.dataDir, job.id);
  const plugin = getStrategy(spec.strategy.name, 'strategy.name');
  const options = parseStrategyOptions(spec.strategy.name, spec.strategy.options, 'strategy.options');
  const layout = jobLayout(spec);

  const participants = job.participants ?? (await startingSites(c)).map((s) => s.siteId).sort();
  const conns = participants.map((id) => jobConnection(c.sites, id, { specYaml: job.specYaml }));
  let normalization: Normalization | null = job.normalization;
  if (!job.participants) {
    if (spec.normalize === 'federated-zscore') {
      normalization = (await federatedNormalization(conns, job.id, spec.federation.k, spec.schema)).normalization;
    }
    await store.setStartInfo(job.id, participants, normalization);
    await log('info', 'job started', { participants, normalized: normalization !== null });
  } else {
    await log('info', 'job resumed', { participants });
  }
  throwIfAborted(c.signal);

  const deadlineMs = spec.federation.roundDeadlineSeconds * 1000;
  const prepared = new Map<string, PrepareReply>();
  const prepare = async (conn: SiteConnection) => {
    const ask = conn.request({ kind: 'prepare', jobId: job.id, model: layout.spec, normalization: normalization ?? undefined });
    const reply = expectPrepare(await beforeDeadline(ask, Date.now() + deadlineMs, `site ${conn.siteId} prepare`, c.signal), conn.siteId);
    prepared.set(conn.siteId, reply);
  };
  const settled = await Promise.allSettled(conns.map(prepare));
  const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${participants[i]}: ${describe(s.reason)}`] : []));
  throwIfAborted(c.signal);
  for (const f of failures) await log('warn', 'site could not prepare the job', { failure: f });
  if (prepared.size < spec.federation.minSites) {
    throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `${prepared.size} of ${participants.length} sites prepared the job, ${spec.federation.minSites} needed: ${failures.join('; ')}`, {
      hint: 'check the failing sites (policy, data set name, data file), or lower federation.minSites',
    });
  }

  const last = await store.lastRound(job.id);
  const resumed = last ? readRoundCheckpoint(last, layout) : undefined;
  if (last) await log('info', `resuming after round ${last.round} from its checkpoint`, { checkpoint: last.checkpoint });
  const server = plugin.createServer(options, layout);
  // After each round, the heads of the replying sites' audit logs are anchored in the coordinator's (docs/audit.md).
  const anchorHeads = c.audit ? headAnchoring({ sites: c.sites, audit: c.audit, signal: c.signal }) : null;
  const result = await runFederated({
    jobId: job.id,
    sites: conns,
    strategyName: spec.strategy.name,
    strategyOptions: spec.strategy.options,
    strategy: server,
    layout,
    initial: resumed?.global ?? initialWeights(layout, spec.seed),
    initialStrategyState: resumed?.strategyState,
    startRound: (last?.round ?? 0) + 1,
    rounds: spec.federation.rounds,
    fractionFit: spec.federation.fractionFit,
    minSites: spec.federation.minSites,
    seed: spec.seed,
    training: jobTrainingConfig(spec),
    ...(spec.federation.secureAggregation
      ? { secureAggregation: { ...spec.federation.secureAggregation, exampleScale: Math.max(...[...prepared.values()].map((p) => p.trainExamples)) } }
      : {}),
    ...(spec.federation.homomorphicEncryption
      ? { homomorphicEncryption: { params: ckksParamsOf(spec.federation.homomorphicEncryption), exampleTotal: [...prepared.values()].reduce((a, p) => a + p.trainExamples, 0) } }
      : {}),
    evaluateSites: true,
    evaluationFailures: 'skip',
    roundDeadlineMs: deadlineMs,
    signal: c.signal,
    reprepare: async (siteId) => {
      await log('warn', `site ${siteId} had lost the job (restarted?): preparing it again`, { site: siteId });
      await prepare(conns.find((s) => s.siteId === siteId)!);
    },
    onRoundStart: async (round, sampled) => {
      await c.audit?.append({ kind: 'round_started', jobId: job.id, round, sites: [...sampled] });
      await log('info', `round ${round} started`, { round, sampled });
    },
    onRound: async (r) => {
      await c.hooks?.beforeCheckpoint?.(job.id, r.round);
      throwIfAborted(c.signal);
      await checkpointRound(c, dir, r, server.exportState());
      if (anchorHeads) {
        const anchors = await anchorHeads(job.id, conns.filter((s) => r.sampled.includes(s.siteId) && !(s.siteId in r.failed)));
        for (const [site, reason] of Object.entries(anchors.refused)) await log('warn', `the audit head of site ${site} was not anchored`, { site, round: r.round, reason });
      }
    },
  });
  await finish(c, dir, result.final, prepared, (Date.now() - started) / 1000);
  await Promise.allSettled(conns.map((s) => beforeDeadline(s.request({ kind: 'end-job', jobId: job.id }), Date.now() + 10_000, `site ${s.siteId} end-job`)));
}

async function startingSites(c: JobRunContext): Promise<SiteConnection[]> {
  await c.store.appendEvent(c.job.id, 'info', `waiting for ${c.spec.federation.minSites} sites`, {});
  return beforeDeadline(c.sites.waitFor(c.spec.federation.minSites, c.waitForSitesMs), undefined, 'waiting for sites', c.signal);
}

/** Checkpoint files first (durable), then the round row: a crash in between redoes the round. */
async function checkpointRound(c: JobRunContext, dir: string, r: RoundRecord, strategyState: Record<string, Weights>): Promise<void> {
  const files = writeRoundCheckpoint(dir, r.round, r.global, strategyState);
  const replied = r.sampled.filter((id) => !(id in r.failed));
  await c.store.recordRound({
    jobId: c.job.id,
    round: r.round,
    ...files,
    metrics: { trainLoss: r.trainLoss, sampled: r.sampled, failed: r.failed, siteMetrics: r.siteMetrics, durationMs: r.durationMs },
  });
  await c.audit?.append({ kind: 'round_ended', jobId: c.job.id, round: r.round, sites: replied });
  const level = Object.keys(r.failed).length > 0 ? 'warn' : 'info';
  await c.store.appendEvent(c.job.id, level, `round ${r.round} ended: ${replied.length} of ${r.sampled.length} sites replied`, {
    round: r.round,
    trainLoss: r.trainLoss,
    failed: r.failed,
    evaluationFailed: r.evaluationFailed,
  });
}

/** final.safetensors, results.json and report.html, each written atomically. */
async function finish(c: JobRunContext, dir: string, final: Weights, prepared: ReadonlyMap<string, PrepareReply>, durationSeconds: number): Promise<void> {
  const results = jobResults({ jobId: c.job.id, spec: c.spec, version: c.version, rounds: await c.store.rounds(c.job.id), prepared, final, durationSeconds });
  writeFileAtomic(join(dir, 'final.safetensors'), encodeSafetensors(final));
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), renderReport(results));
  await c.store.appendEvent(c.job.id, 'info', 'job completed', { finalWeightsSha256: results.runs[0].finalWeightsSha256 });
}

function expectPrepare(r: SiteReply, siteId: string): PrepareReply {
  if (r.kind === 'error') throw MedfedError.fromJSON(r.error);
  if (r.kind !== 'prepare') throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${siteId} answered "${r.kind}" to "prepare"`);
  return r;
}

function describe(e: unknown): string {
  return e instanceof MedfedError ? e.describe() : String(e);
}
