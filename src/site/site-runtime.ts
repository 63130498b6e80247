import { packExtras, packWeights, unpackExtras, unpackModelWeights } from '../core/codec.js';
import type { Dataset } from '../core/dataset.js';
import { asMedfedError, ErrorCodes, MedfedError } from '../core/errors.js';
import type { EvaluateRequest, FitRequest, PrepareRequest, SiteReply, SiteRequest } from '../core/messages.js';
import { modelLayout, type ModelLayout } from '../core/model-params.js';
import type { TrainableModel, TrainingEngine, TrainOptions } from '../engine/engine.js';
import { evaluatePredictions } from '../eval/evaluate.js';
import { getStrategy, parseStrategyOptions } from '../strategies/registry.js';
import type { SiteState, SiteStrategy } from '../strategies/strategy.js';
import type { SiteData } from './site-data.js';

interface JobAtSite {
  readonly layout: ModelLayout;
  readonly model: TrainableModel;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly state: SiteState;
  strategy?: { readonly name: string; readonly site: SiteStrategy };
}

/**
 * The code a site runs, the same in the simulator (worker thread), a site process (#3) or a
 * browser: it answers the coordinator's requests using only its own data, and only summaries,
 * metrics and model weights leave it.
 */
export class SiteRuntime {
  private readonly jobs = new Map<string, JobAtSite>();

  constructor(
    readonly siteId: string,
    private readonly data: SiteData,
    private readonly engine: () => Promise<TrainingEngine>,
  ) {}

  /** Never throws: failures become an error reply the coordinator can act on. */
  async handle(req: SiteRequest): Promise<SiteReply> {
    try {
      switch (req.kind) {
        case 'stats':
          return { kind: 'stats', siteId: this.siteId, ...this.data.statistics(req) };
        case 'prepare':
          return await this.prepare(req);
        case 'fit':
          return await this.fit(req);
        case 'evaluate':
          return await this.evaluate(req);
        case 'end-job':
          this.jobs.get(req.jobId)?.model.dispose();
          this.jobs.delete(req.jobId);
          return { kind: 'end-job', siteId: this.siteId };
      }
    } catch (e) {
      return { kind: 'error', siteId: this.siteId, error: asMedfedError(e).toJSON() };
    }
  }

  private async prepare(req: PrepareRequest): Promise<SiteReply> {
    this.jobs.get(req.jobId)?.model.dispose();
    const layout = modelLayout(req.model);
    const { train, test } = this.data.materialize(req.normalization);
    const model = await (await this.engine()).build(layout.spec, { seed: 0 });
    this.jobs.set(req.jobId, { layout, model, train, test, state: new Map() });
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
      throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${this.siteId} has no prepared job "${jobId}"`, {
        hint: 'the coordinator must send "prepare" before "fit" or "evaluate"',
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
    const site = this.siteStrategy(job, req.strategy, req.strategyOptions);
    const global = unpackModelWeights(req.weights, job.layout, `global model (round ${req.round})`);
    const baseOptions: TrainOptions = {
      epochs: req.training.epochs,
      batchSize: req.training.batchSize,
      optimizer: req.training.optimizer,
      seed: req.seed,
    };
    const ctx = {
      round: req.round,
      layout: job.layout,
      global,
      directive: { config: req.directive.config, extra: unpackExtras(req.directive.extra, 'directive') },
      state: job.state,
      baseOptions,
    };
    const { start, options } = site.beforeTrain(ctx);
    job.model.setWeights(start);
    const result = await job.model.train(job.train, options);
    const trained = job.model.getWeights();
    const extra = site.afterTrain(ctx, trained, result.steps);
    return {
      kind: 'fit',
      siteId: this.siteId,
      round: req.round,
      weights: packWeights(trained),
      numExamples: job.train.n,
      steps: result.steps,
      extra: packExtras(extra),
      metrics: { loss: result.loss },
    };
  }

  private async evaluate(req: EvaluateRequest): Promise<SiteReply> {
    const job = this.job(req.jobId);
    const site = this.siteStrategy(job, req.strategy, req.strategyOptions);
    const global = unpackModelWeights(req.weights, job.layout, `global model (round ${req.round})`);
    job.model.setWeights(site.personalize({ layout: job.layout, global, state: job.state }));
    const probs = await job.model.predict(job.test.x, job.test.n);
    const loss = await job.model.evaluateLoss(job.test);
    const metrics = { ...evaluatePredictions(probs, job.test.y, job.layout.outputShape[0]), loss };
    return { kind: 'evaluate', siteId: this.siteId, round: req.round, numExamples: job.test.n, metrics: flattenMetrics(metrics) };
  }
}

/** Keep the numeric (or explicitly undefined) metrics for the wire. */
export function flattenMetrics(m: Record<string, unknown>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number' || v === null) out[k] = v;
  return out;
}
