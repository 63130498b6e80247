import type { Dataset } from '../core/dataset.js';
import { deriveSeed } from '../core/random.js';
import type { Tensor, Weights } from '../core/tensors.js';
import type { TrainableModel } from '../engine/engine.js';
import { primaryMetricOf, type TaskKind } from '../eval/task.js';
import type { MetricsRecord } from '../report/metrics-schema.js';
import { PooledEvaluator } from './pooled-evaluator.js';
import type { RunOutcome } from './run-outcome.js';

/** One evaluated model of a cross-site matrix: a site's local-only model, the best federated global model, or pooled. */
export interface CrossSiteRow {
  /** e.g. "local model of site-1", "global (fedavg/mlp)", "pooled". */
  readonly label: string;
  /** The run the model comes from, e.g. "local-only/mlp". */
  readonly run: string;
  readonly kind: RunOutcome['kind'];
  /** Local-only rows: the site that trained the model. */
  readonly siteId?: string;
  /** The headline metric on each site's test split, in the order of `sites` (null: undefined there). */
  readonly values: (number | null)[];
}

/** Every evaluated model (rows) on every site's test split (columns), for one model architecture. */
export interface CrossSiteMatrix {
  readonly model: string;
  /** The task's headline metric (eval/task.ts), e.g. "auroc". */
  readonly metric: string;
  readonly higherIsBetter: boolean;
  readonly sites: string[];
  readonly rows: CrossSiteRow[];
}

const LEVEL = 0.95;

interface Interval {
  lower: number | null;
  upper: number | null;
  level: number;
}

/** A site's own model out of a local-only run's weights (tensors named "site.<id>.<name>", run-outcome.ts); undefined if absent. */
export function siteModelWeights(run: RunOutcome, siteId: string): Weights | undefined {
  const prefix = `site.${siteId}.`;
  const out = new Map<string, Tensor>();
  for (const [k, t] of run.weights) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), t);
  return out.size > 0 ? out : undefined;
}

/** The federated run with the best final headline metric on the pooled test set (ties: first); undefined if none. */
function bestFederated(runs: readonly RunOutcome[], metric: string, higherIsBetter: boolean): RunOutcome | undefined {
  let best: { run: RunOutcome; value: number } | undefined;
  for (const run of runs) {
    const v = run.metrics[metric];
    if (run.kind !== 'federated' || typeof v !== 'number') continue;
    if (!best || (higherIsBetter ? v > best.value : v < best.value)) best = { run, value: v };
  }
  return best?.run;
}

async function metricOn(evaluator: PooledEvaluator | undefined, weights: Weights, metric: string): Promise<number | null> {
  if (!evaluator) return null;
  const v = (await evaluator.evaluate(weights))[metric];
  return typeof v === 'number' ? v : null;
}

/**
 * Cross-site validation of one model architecture (simulator only: it needs every site's test
 * split in one place). Rows: each site's local-only model, the best federated run's global model,
 * and the pooled model; columns: each site's test split; cells: the task's headline metric.
 * `model` is an engine model of the architecture (weights are set per evaluation, one at a time).
 * Nothing is trained.
 */
export async function crossSiteMatrix(
  model: TrainableModel,
  modelName: string,
  runs: readonly RunOutcome[],
  siteTests: ReadonlyMap<string, Dataset>,
  task: TaskKind,
): Promise<CrossSiteMatrix> {
  const { name: metric, higherIsBetter } = primaryMetricOf[task];
  const sites = [...siteTests.keys()];
  const evaluators = sites.map((id) => {
    const test = siteTests.get(id)!;
    return test.n > 0 ? new PooledEvaluator(model, test) : undefined;
  });
  const evaluated: { label: string; run: RunOutcome; siteId?: string; weights: Weights }[] = [];
  const mine = runs.filter((r) => r.model === modelName);
  for (const run of mine.filter((r) => r.kind === 'local-only')) {
    for (const siteId of sites) {
      const weights = siteModelWeights(run, siteId);
      if (weights) evaluated.push({ label: `local model of ${siteId}`, run, siteId, weights });
    }
  }
  const federated = bestFederated(mine, metric, higherIsBetter);
  if (federated) evaluated.push({ label: `global (${federated.name})`, run: federated, weights: federated.weights });
  for (const run of mine.filter((r) => r.kind === 'pooled')) evaluated.push({ label: 'pooled', run, weights: run.weights });
  const rows: CrossSiteRow[] = [];
  for (const e of evaluated) {
    const values: (number | null)[] = [];
    for (const ev of evaluators) values.push(await metricOn(ev, e.weights, metric));
    rows.push({ label: e.label, run: e.run.name, kind: e.run.kind, ...(e.siteId ? { siteId: e.siteId } : {}), values });
  }
  return { model: modelName, metric, higherIsBetter, sites, rows };
}

/**
 * Each run's per-site metrics with bootstrap 95% intervals of AUROC and accuracy added
 * (classification only; 1,000 resamples stratified by class, seeded per run and site; local-only:
 * each site's own model). A site whose test split holds one class gets `intervals.auroc` with null
 * bounds; the reason is in `undefinedReasons.auroc`. Other tasks: the runs are returned unchanged.
 */
export async function withSiteIntervals(
  model: TrainableModel,
  runs: readonly RunOutcome[],
  siteTests: ReadonlyMap<string, Dataset>,
  task: TaskKind,
  seed: number,
): Promise<RunOutcome[]> {
  if (task !== 'binary' && task !== 'multiclass') return [...runs];
  const out: RunOutcome[] = [];
  for (const run of runs) {
    const perSite: Record<string, MetricsRecord> = { ...run.perSite };
    for (const [siteId, test] of siteTests) {
      const own = perSite[siteId];
      const weights = run.kind === 'local-only' ? siteModelWeights(run, siteId) : run.weights;
      if (!own || !weights || test.n === 0) continue;
      const full = await new PooledEvaluator(model, test).evaluateFinal(weights, deriveSeed(seed, 'per-site', run.name, siteId));
      const intervals: Record<string, Interval> = { ...((full.intervals as Record<string, Interval> | undefined) ?? {}) };
      if (!intervals.auroc) intervals.auroc = { lower: null, upper: null, level: LEVEL };
      const reasons: Record<string, string> = { ...(own.undefinedReasons ?? {}), ...((full.undefinedReasons as Record<string, string> | undefined) ?? {}) };
      if (intervals.auroc.lower === null && !reasons.auroc) reasons.auroc = 'AUROC is undefined on this split';
      perSite[siteId] = { ...own, intervals, ...(Object.keys(reasons).length > 0 ? { undefinedReasons: reasons } : {}) };
    }
    out.push({ ...run, perSite });
  }
  return out;
}
