import type { Dataset } from '../core/dataset.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { PrepareReply, SiteReply } from '../core/messages.js';
import { initialWeights, modelLayout, type ModelLayout } from '../core/model-params.js';
import type { ModelSpec } from '../core/model-spec.js';
import type { StrategyEntry, StudySpec } from '../core/study-spec.js';
import type { Weights } from '../core/tensors.js';
import { runFederated } from '../coordinator/federated-run.js';
import { federatedNormalization } from '../coordinator/federated-normalization.js';
import { getEngine } from '../engine/registry.js';
import { getStrategy, parseStrategyOptions } from '../strategies/registry.js';
import type { SiteConnection } from '../transport/transport.js';
import type { Progress } from '../cli/progress.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { PooledEvaluator, summaryMetrics } from './pooled-evaluator.js';
import { trainPooled } from './pooled-baseline.js';
import { prepareStudyData, type StudyData } from './study-data.js';
import { WorkerPool } from './worker-pool.js';
import { runRecord, type RunOutcome } from './run-outcome.js';
import { dpSgdConfigFor, runPrivacy } from '../privacy/dp/run-privacy.js';
import { primaryMetricOf, taskOf } from '../eval/task.js';
import { multiTaskMetrics } from './multi-task.js';
import { pooledMultiTaskRun } from './multi-task-run.js';
import { metricLabel } from '../report/format.js';
import { meanOfMetrics } from '../report/mean-metrics.js';
import type { MetricsRecord } from '../report/metrics-schema.js';
import { majorityBaseline, type MajorityBaseline } from '../eval/majority-baseline.js';
import { crossSiteMatrix, withSiteIntervals, type CrossSiteMatrix } from './cross-site.js';
import { survivalCurves, type SurvivalCurves } from './survival-curves.js';
import { checkHomomorphicStudy, ckksParamsOf } from '../coordinator/he-round.js';

export interface StudyRun {
  readonly data: StudyData;
  readonly runs: RunOutcome[];
  readonly engine: string;
  /** Classification: the majority class of the pooled training rows and its accuracy on the pooled test set. */
  readonly majorityBaseline?: MajorityBaseline;
  /** Per model: each site's local model, the best federated global model and pooled on every site's test split (cross-site.ts). */
  readonly crossSite?: CrossSiteMatrix[];
  /** Survival studies: Kaplan-Meier curves per site and combined from their counts. */
  readonly survivalCurves?: SurvivalCurves;
}

function expectPrepared(r: SiteReply, siteId: string): PrepareReply {
  if (r.kind === 'error') throw MedfedError.fromJSON(r.error);
  if (r.kind !== 'prepare') throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${siteId} answered "${r.kind}" to "prepare"`);
  return r;
}

/**
 * Runs a whole study in the simulator: sites in worker threads, federated statistics for
 * normalisation, every strategy for every model, and the pooled and local-only baselines.
 */
export async function runStudy(spec: StudySpec, baseDir: string, progress: Progress, log: Logger = silentLogger): Promise<StudyRun> {
  checkHomomorphicStudy(spec.federation, spec.strategies);
  const data = await prepareStudyData(spec, baseDir);
  const engine = await getEngine(spec.engine);
  // The resolved name ("auto" -> libtorch or tfjs-wasm): every site worker runs the engine chosen here.
  const pool = new WorkerPool(data.sites, { engine: engine.name, threads: spec.threads });
  const conns = pool.connections;
  try {
    progress.log(`${data.sites.length} sites: ${data.sites.map((s) => s.siteId).join(', ')} · engine ${engine.name}`);
    log.info({ sites: data.siteSummaries, engine: engine.name, seed: spec.seed }, 'study started');
    for (const note of data.notes ?? []) {
      progress.log(note);
      log.warn({ note }, 'data note');
    }
    for (const [id, why] of Object.entries(data.excluded)) {
      progress.log(`site ${id} left out: ${why}`);
      log.warn({ site: id, reason: why }, 'site left out');
    }
    const normalization =
      data.normalize === 'federated-zscore' && data.schema
        ? (await federatedNormalization(conns, `${spec.name}:stats`, spec.federation.k, data.schema)).normalization
        : undefined;
    if (normalization) log.info({ normalization }, 'federated normalisation computed');
    const local = await data.materializeAll(normalization);
    const runs: RunOutcome[] = [];
    const crossSite: CrossSiteMatrix[] = [];
    for (const m of spec.models) {
      const firstRun = runs.length;
      const modelSpec: ModelSpec = { inputShape: [...local.featureShape], layers: m.layers, loss: data.loss };
      const layout = modelLayout(modelSpec);
      const initial = initialWeights(layout, spec.seed);
      const evalModel = await engine.build(layout.spec, { seed: spec.seed });
      const evaluator = new PooledEvaluator(evalModel, local.pooledTest);
      const primary = primaryMetricOf[data.multiTask ? 'multi-task' : taskOf(layout.spec.loss, layout.outputShape)].name;
      const ctx = { spec, conns, layout, initial, evaluator, normalization, progress, log, modelName: m.name, primary, multiTask: data.multiTask !== undefined };
      try {
        if (spec.baselines.includes('pooled')) {
          runs.push(data.multiTask ? await pooledMultiTaskRun(ctx, data.multiTask.siteLoss, local.siteTrains!, local.siteTests) : await pooledRun(ctx, local.pooledTrain, local.siteTests));
        }
        if (spec.baselines.includes('local-only')) runs.push(await federatedRun(ctx, { name: 'local-only', options: {} }, 'local-only'));
        for (const s of spec.strategies) runs.push(await federatedRun(ctx, s, 'federated'));
        if (!data.multiTask) {
          // Cross-site validation: evaluation only, nothing is re-trained.
          const task = taskOf(layout.spec.loss, layout.outputShape);
          runs.push(...(await withSiteIntervals(evalModel, runs.splice(firstRun), local.siteTests, task, spec.seed)));
          crossSite.push(await crossSiteMatrix(evalModel, m.name, runs, local.siteTests, task));
        }
      } finally {
        evalModel.dispose();
      }
    }
    const majority = data.task === 'binary' || data.task === 'multiclass' ? majorityBaseline(local.pooledTrain, local.pooledTest) : undefined;
    const curves =
      data.task === 'survival' && local.siteTrains
        ? survivalCurves(new Map([...local.siteTrains].map(([id, train]) => [id, [train, local.siteTests.get(id)!]])), spec.federation.k)
        : undefined;
    return {
      data,
      runs,
      engine: engine.name,
      ...(majority ? { majorityBaseline: majority } : {}),
      ...(crossSite.length > 0 ? { crossSite } : {}),
      ...(curves ? { survivalCurves: curves } : {}),
    };
  } finally {
    await pool.close();
  }
}

export interface RunContext {
  readonly spec: StudySpec;
  readonly conns: readonly SiteConnection[];
  readonly layout: ModelLayout;
  readonly initial: Weights;
  readonly evaluator: PooledEvaluator;
  readonly normalization?: { mean: Record<string, number>; std: Record<string, number> };
  readonly progress: Progress;
  readonly log: Logger;
  readonly modelName: string;
  /** The task's headline metric (eval/task.ts), shown in progress lines. */
  readonly primary: string;
  /** Multi-task data: metrics come from each site's own test split (simulator/multi-task.ts), not a pooled test set. */
  readonly multiTask: boolean;
}

async function federatedRun(c: RunContext, s: StrategyEntry, kind: 'federated' | 'local-only'): Promise<RunOutcome> {
  const label = s.label ?? s.name;
  const name = `${label}/${c.modelName}`;
  const jobId = `${c.spec.name}:${name}`;
  const plugin = getStrategy(s.name);
  const options = parseStrategyOptions(s.name, s.options, `strategies.${label}.options`);
  const server = plugin.createServer(options, c.layout);
  const dpSgd = kind === 'federated' ? dpSgdConfigFor(c.spec.privacy, s.privacy, c.spec.federation.rounds) : undefined;
  const training = { ...c.spec.training, ...s.training, ...(dpSgd ? { dpSgd } : {}) };
  const started = Date.now();
  const prepared = await Promise.all(
    c.conns.map(async (conn) => expectPrepared(await conn.request({ kind: 'prepare', jobId, model: c.layout.spec, normalization: c.normalization }), conn.siteId)),
  );
  const history: RunOutcome['history'] = [];
  c.progress.start(name, c.spec.federation.rounds);
  const localModels = () =>
    Object.entries(server.exportState())
      .filter(([k]) => k.startsWith('local.'))
      .map(([k, w]) => ({ siteId: k.slice(6), weights: w }));
  try {
    const result = await runFederated({
      jobId,
      sites: c.conns,
      strategyName: s.name,
      strategyOptions: s.options,
      strategy: server,
      layout: c.layout,
      initial: c.initial,
      rounds: c.spec.federation.rounds,
      fractionFit: c.spec.federation.fractionFit,
      minSites: c.spec.federation.minSites,
      seed: c.spec.seed,
      training,
      evaluateSites: true,
      ...(kind === 'federated' && c.spec.federation.secureAggregation
        ? { secureAggregation: { ...c.spec.federation.secureAggregation, exampleScale: Math.max(...prepared.map((p) => p.trainExamples)) } }
        : {}),
      ...(kind === 'federated' && c.spec.federation.homomorphicEncryption
        ? { homomorphicEncryption: { params: ckksParamsOf(c.spec.federation.homomorphicEncryption), exampleTotal: prepared.reduce((a, p) => a + p.trainExamples, 0) } }
        : {}),
      onRound: async (r) => {
        const metrics = c.multiTask
          ? multiTaskMetrics(r.siteMetrics)
          : plugin.personalized
            ? summaryMetrics(siteMeanMetrics(r.siteMetrics))
            : kind === 'local-only'
            ? await c.evaluator.evaluateMean(localModels().map((l) => l.weights))
            : summaryMetrics(await c.evaluator.evaluate(r.global));
        history.push({ round: r.round, metrics, trainLoss: r.trainLoss, sites: r.sampled.length, failed: Object.keys(r.failed) });
        c.log.info({ run: name, round: r.round, sampled: r.sampled, failed: r.failed, trainLoss: r.trainLoss, pooledTest: metrics, durationMs: r.durationMs }, 'round ended');
        c.progress.tick(r.round, `${headline(c.primary, metrics)} loss ${r.trainLoss.toFixed(4)}`);
      },
    });
    const last = result.rounds[result.rounds.length - 1];
    const locals =
      kind === 'local-only'
        ? await Promise.all(
            localModels().map(async (l) => ({ ...l, metrics: c.multiTask ? { ...(last.siteMetrics[l.siteId] ?? {}) } : summaryMetrics(await c.evaluator.evaluate(l.weights)) })),
          )
        : undefined;
    const privacy = dpSgd ? runPrivacy(dpSgd, prepared.map((p) => ({ siteId: p.siteId, n: p.trainExamples, rounds: roundsTrained(result.rounds, p.siteId) })), training) : undefined;
    const outcome = runRecord({
      privacy,
      name,
      kind,
      strategy: kind === 'federated' ? s.name : undefined,
      strategyOptions: s.options,
      model: c.modelName,
      final: result.final,
      finalMetrics:
        kind === 'federated'
          ? c.multiTask
            ? multiTaskMetrics(last.siteMetrics)
            : plugin.personalized
              ? siteMeanMetrics(last.siteMetrics)
              : await c.evaluator.evaluateFinal(result.final, c.spec.seed)
          : undefined,
      history,
      perSite: last.siteMetrics,
      localModels: locals,
      training,
      durationSeconds: (Date.now() - started) / 1000,
    });
    c.progress.done(`${headline(c.primary, outcome.metrics)} · weights ${outcome.finalWeightsSha256.slice(0, 12)}`);
    c.log.info({ run: name, [c.primary]: outcome.metrics[c.primary] ?? null, finalWeightsSha256: outcome.finalWeightsSha256, durationSeconds: outcome.durationSeconds }, 'run finished');
    return outcome;
  } finally {
    await Promise.all(c.conns.map((conn) => conn.request({ kind: 'end-job', jobId })));
  }
}

async function pooledRun(c: RunContext, train: Dataset, siteTests: ReadonlyMap<string, Dataset>): Promise<RunOutcome> {
  const name = `pooled/${c.modelName}`;
  const started = Date.now();
  const engine = await getEngine(c.spec.engine);
  const model = await engine.build(c.layout.spec, { seed: c.spec.seed });
  const history: RunOutcome['history'] = [];
  c.progress.start(name, c.spec.federation.rounds);
  try {
    const final = await trainPooled(model, train, c.initial, {
      rounds: c.spec.federation.rounds,
      options: { epochs: c.spec.training.epochs, batchSize: c.spec.training.batchSize, optimizer: c.spec.training.optimizer },
      seed: c.spec.seed,
      onRound: async (round, w, loss) => {
        const metrics = summaryMetrics(await c.evaluator.evaluate(w));
        history.push({ round, metrics, trainLoss: loss, sites: 0, failed: [] });
        c.log.info({ run: name, round, trainLoss: loss, pooledTest: metrics }, 'round ended');
        c.progress.tick(round, `${headline(c.primary, metrics)} loss ${loss.toFixed(4)}`);
      },
    });
    const perSite: Record<string, Record<string, number | null>> = {};
    for (const [id, test] of siteTests) {
      perSite[id] = summaryMetrics(await new PooledEvaluator(model, test).evaluate(final));
    }
    const outcome = runRecord({
      name,
      kind: 'pooled',
      model: c.modelName,
      final,
      finalMetrics: await c.evaluator.evaluateFinal(final, c.spec.seed),
      history,
      perSite,
      training: c.spec.training,
      durationSeconds: (Date.now() - started) / 1000,
    });
    c.progress.done(`${headline(c.primary, outcome.metrics)} · weights ${outcome.finalWeightsSha256.slice(0, 12)}`);
    c.log.info({ run: name, [c.primary]: outcome.metrics[c.primary] ?? null, finalWeightsSha256: outcome.finalWeightsSha256, durationSeconds: outcome.durationSeconds }, 'run finished');
    return outcome;
  } finally {
    model.dispose();
  }
}

/** Rounds in which the site was sampled and replied. */
function roundsTrained(rounds: readonly { sampled: readonly string[]; failed: Readonly<Record<string, string>> }[], siteId: string): number {
  return rounds.filter((r) => r.sampled.includes(siteId) && !(siteId in r.failed)).length;
}

/**
 * A personalised strategy's run (FedBN, FedPer): the mean over sites of each site's own model on
 * its own test split, since the global model alone is no site's model. Marked in undefinedReasons.
 */
function siteMeanMetrics(perSite: Readonly<Record<string, Record<string, number | null>>>): MetricsRecord {
  const m = meanOfMetrics(Object.values(perSite));
  return { ...m, undefinedReasons: { ...m.undefinedReasons, pooledTest: "personalised strategy: the mean over sites of each site's own model on its own test split" } };
}

/** e.g. "AUROC 0.881", "C-index 0.702", "Dice 0.81". */
export function headline(metric: string, metrics: Readonly<Record<string, unknown>>): string {
  const v = metrics[metric];
  return `${metricLabel(metric)} ${typeof v === 'number' ? v.toFixed(3) : 'n/a'}`;
}
