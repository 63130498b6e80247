import { packExtras, packWeights, unpackExtras, unpackModelWeights } from '../core/codec.js';
import type { Dataset } from '../core/dataset.js';
import { asMedfedError, ErrorCodes, MedfedError } from '../core/errors.js';
import type { EvaluateRequest, FitRequest, PrepareRequest, SiteReply, SiteRequest } from '../core/messages.js';
import { modelLayout, type ModelLayout } from '../core/model-params.js';
import type { TrainableModel, TrainingEngine, TrainOptions } from '../engine/engine.js';
import { evaluateOutputs } from '../eval/evaluate-outputs.js';
import { getStrategy, parseStrategyOptions } from '../strategies/registry.js';
import type { SiteStrategy } from '../strategies/strategy.js';
import type { SiteData } from './site-data.js';
import { dpSgdEpsilonAfter, resolveDpSgd, type ResolvedDpSgd } from '../privacy/dp/dp-sgd-config.js';
import { canonicalJson } from '../audit/canonical-json.js';
import { SiteJobs, type SiteJobHooks } from './site-jobs.js';
import type { SiteStateStore } from './site-state-store.js';
import { VersionedSiteState } from './versioned-state.js';

interface JobAtSite {
  readonly layout: ModelLayout;
  readonly model: TrainableModel;
  readonly train: Dataset;
  readonly test: Dataset;
  /** Model spec and normalisation it was prepared with: a re-prepare with the same keeps the state. */
  readonly preparedWith: string;
  readonly state: VersionedSiteState;
  /** The site's data (its beforeFit may refuse a round). */
  readonly data: SiteData;
  strategy?: { readonly name: string; readonly site: SiteStrategy };
  /** DP-SGD: the job's resolved settings (by config) and the rounds trained with them. */
  dp?: { readonly key: string; readonly resolved: ResolvedDpSgd; rounds: number };
}

export interface SiteRuntimeOptions {
  /** Deployment jobs: how this site admits a job and finds its data (absent in the simulator). */
  readonly jobs?: SiteJobHooks;
  /** Persist per-job strategy state so that a restarted site rejoins with it. */
  readonly stateStore?: SiteStateStore;
  /** Rounds of strategy state kept per job (default 3; a resumed coordinator re-sends at most the last round). */
  readonly keepStateRounds?: number;
}

/**
 * The code a site runs, the same in the simulator (worker thread), a site process (#3) or a
 * browser: it answers the coordinator's requests using only its own data, and only summaries,
 * metrics and model weights leave it.
 */
export class SiteRuntime {
  private readonly jobs = new Map<string, JobAtSite>();
  private readonly deployment: SiteJobs;
  /** Requests of one job run one after the other (the job's model is one object). */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** `data`: the site's data in the simulator; deployment sites pass `undefined` and `options.jobs`. */
  constructor(
    readonly siteId: string,
    private readonly data: SiteData | undefined,
    private readonly engine: () => Promise<TrainingEngine>,
    private readonly options: SiteRuntimeOptions = {},
  ) {
    this.deployment = new SiteJobs(siteId, options.jobs);
  }

  /** Never throws: failures become an error reply the coordinator can act on. */
  handle(req: SiteRequest): Promise<SiteReply> {
    const before = this.queues.get(req.jobId) ?? Promise.resolve();
    const run = before.then(() => this.dispatch(req));
    this.queues.set(req.jobId, run);
    void run.then(() => {
      if (this.queues.get(req.jobId) === run) this.queues.delete(req.jobId);
    });
    return run;
  }

  private async dispatch(req: SiteRequest): Promise<SiteReply> {
    try {
      switch (req.kind) {
        case 'stats':
          return { kind: 'stats', siteId: this.siteId, ...(await this.dataOf(req.jobId, req.job)).statistics(req) };
        case 'prepare':
          return await this.prepare(req);
        case 'fit':
          return await this.fit(req);
        case 'evaluate':
          return await this.evaluate(req);
        case 'end-job':
          this.jobs.get(req.jobId)?.model.dispose();
          this.jobs.delete(req.jobId);
          this.deployment.forget(req.jobId);
          await this.options.stateStore?.drop(req.jobId);
          return { kind: 'end-job', siteId: this.siteId };
        case 'secagg':
          // Secure aggregation wraps the runtime (site/secure-aggregation-site.ts); a bare runtime has no session.
          throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${this.siteId} has no secure-aggregation session for job "${req.jobId}" round ${req.round}`, {
            hint: 'the site must run withSecureAggregation around its runtime',
          });
        case 'audit-head':
          // The site agent answers it from its audit log (site/agent/audit-head.ts); a bare runtime keeps none.
          throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${this.siteId} keeps no audit log, so it has no head to anchor`, {
            hint: 'audit heads are anchored only with site agents (medfed site start), which keep a signed audit log',
          });
        case 'he':
          // CKKS wraps the runtime (site/homomorphic-encryption-site.ts); a bare runtime holds no key share.
          throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${this.siteId} has no CKKS key for job "${req.jobId}"`, {
            hint: 'the site must run withHomomorphicEncryption around its runtime',
          });
      }
    } catch (e) {
      return { kind: 'error', siteId: this.siteId, error: asMedfedError(e).toJSON() };
    }
  }

  private async dataOf(jobId: string, ref: PrepareRequest['job']): Promise<SiteData> {
    if (ref) return this.deployment.dataFor(jobId, ref);
    if (!this.data) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${this.siteId} got a request for job "${jobId}" without its job spec`, {
        hint: 'a deployment coordinator sends the job spec with "stats" and "prepare"',
      });
    }
    return this.data;
  }

  private async prepare(req: PrepareRequest): Promise<SiteReply> {
    // Canonical (sorted keys): the same normalisation read back from a database compares equal.
    const preparedWith = canonicalJson([req.model, req.normalization ?? null, req.job?.specYaml ?? null]);
    const existing = this.jobs.get(req.jobId);
    if (existing && existing.preparedWith === preparedWith) return this.prepared(existing);
    existing?.model.dispose();
    const data = await this.dataOf(req.jobId, req.job);
    // Multi-task studies: the site's own task decides its loss (same layout as the job's model).
    const layout = modelLayout(data.loss && data.loss !== req.model.loss ? { ...req.model, loss: data.loss } : req.model);
    const { train, test } = data.materialize(req.normalization);
    const model = await (await this.engine()).build(layout.spec, { seed: 0 });
    // A site that restarted picks its strategy state up from its store (if it has one).
    const restored = existing ? undefined : await this.options.stateStore?.load(req.jobId);
    const state = new VersionedSiteState(this.siteId, this.options.keepStateRounds, restored);
    const job: JobAtSite = { layout, model, train, test, preparedWith, state, data };
    this.jobs.set(req.jobId, job);
    return this.prepared(job);
  }

  private prepared({ train, test }: JobAtSite): SiteReply {
    const labelCounts: number[] = [];
    if (train.numClasses > 0) {
      for (let c = 0; c < train.numClasses; c++) labelCounts.push(0);
      for (let i = 0; i < train.n; i++) labelCounts[train.y[i]]++;
    }
    return { kind: 'prepare', siteId: this.siteId, trainExamples: train.n, testExamples: test.n, labelCounts };
  }

  private job(jobId: string): JobAtSite {
    const job = this.jobs.get(jobId);
    if (!job) {
      throw new MedfedError(ErrorCodes.JOB_NOT_PREPARED, `site ${this.siteId} has no prepared job "${jobId}"`, {
        hint: 'the coordinator must send "prepare" before "fit" or "evaluate" (again after the site restarted)',
      });
    }
    return job;
  }

  private siteStrategy(job: JobAtSite, name: string, options: Record<string, unknown>): SiteStrategy {
    if (!job.strategy || job.strategy.name !== name) {
      const plugin = getStrategy(name);
      job.strategy = { name, site: plugin.createSite(parseStrategyOptions(name, options, 'strategy.options')) };
    }
    return job.strategy.site;
  }

  private async fit(req: FitRequest): Promise<SiteReply> {
    const job = this.job(req.jobId);
    job.data.beforeFit?.(req.round);
    const site = this.siteStrategy(job, req.strategy, req.strategyOptions);
    const global = unpackModelWeights(req.weights, job.layout, `global model (round ${req.round})`);
    const baseOptions: TrainOptions = {
      epochs: req.training.epochs,
      batchSize: req.training.batchSize,
      optimizer: req.training.optimizer,
      seed: req.seed,
      dpSgd: this.dpSgd(job, req)?.options,
    };
    // Round r starts from the state as of the end of round r−1, even if r was trained before.
    const state = job.state.baseFor(req.round);
    const ctx = {
      round: req.round,
      layout: job.layout,
      global,
      directive: { config: req.directive.config, extra: unpackExtras(req.directive.extra, 'directive') },
      state,
      baseOptions,
    };
    const { start, options } = site.beforeTrain(ctx);
    job.model.setWeights(start);
    const result = await job.model.train(job.train, options);
    const trained = job.model.getWeights();
    const extra = site.afterTrain(ctx, trained, result.steps);
    const privacy: Record<string, number> = {};
    if (job.dp && baseOptions.dpSgd) {
      // Every fit is a release (a re-trained round counts again).
      job.dp.rounds++;
      privacy['dp.epsilon'] = dpSgdEpsilonAfter(job.dp.resolved, job.dp.rounds);
      privacy['dp.delta'] = job.dp.resolved.delta;
      privacy['dp.noiseMultiplier'] = job.dp.resolved.noiseMultiplier;
    }
    const kept = job.state.commit(req.round, state);
    await this.options.stateStore?.save(req.jobId, req.round, state, kept);
    return {
      kind: 'fit',
      siteId: this.siteId,
      round: req.round,
      // Personalised strategies (fedper) keep their private tensors out of the reply.
      weights: packWeights(site.outgoing ? site.outgoing(ctx, trained) : trained),
      numExamples: job.train.n,
      steps: result.steps,
      extra: packExtras(extra),
      metrics: { loss: result.loss, ...privacy },
    };
  }

  /** DP-SGD options for this fit (the noise multiplier is computed once per job and config). */
  private dpSgd(job: JobAtSite, req: FitRequest): { options: { clipNorm: number; noiseMultiplier: number } } | undefined {
    const config = req.training.dpSgd;
    if (!config) return undefined;
    const key = JSON.stringify([config, req.training.batchSize, req.training.epochs]);
    if (job.dp?.key !== key) {
      job.dp = { key, resolved: resolveDpSgd(config, { n: job.train.n, batchSize: req.training.batchSize, epochs: req.training.epochs }), rounds: 0 };
    }
    return { options: { clipNorm: job.dp.resolved.clipNorm, noiseMultiplier: job.dp.resolved.noiseMultiplier } };
  }

  private async evaluate(req: EvaluateRequest): Promise<SiteReply> {
    const job = this.job(req.jobId);
    const site = this.siteStrategy(job, req.strategy, req.strategyOptions);
    const global = unpackModelWeights(req.weights, job.layout, `global model (round ${req.round})`);
    job.model.setWeights(site.personalize({ layout: job.layout, global, state: job.state.asOf(req.round) }));
    const outputs = await job.model.predict(job.test.x, job.test.n);
    const loss = await job.model.evaluateLoss(job.test);
    const metrics = { ...evaluateOutputs(job.layout.spec.loss, outputs, job.test.y, job.layout.outputShape, job.test.n, { where: `site ${this.siteId} test split` }), loss };
    return { kind: 'evaluate', siteId: this.siteId, round: req.round, numExamples: job.test.n, metrics: flattenMetrics(metrics) };
  }
}

/** Keep the numeric (or explicitly undefined) metrics for the wire. */
export function flattenMetrics(m: Record<string, unknown>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number' || v === null) out[k] = v;
  return out;
}
