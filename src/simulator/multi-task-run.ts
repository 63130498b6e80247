import type { Dataset } from '../core/dataset.js';
import type { LossName } from '../core/model-spec.js';
import { getEngine } from '../engine/registry.js';
import { multiTaskMetrics, trainPooledMultiTask } from './multi-task.js';
import { runRecord, type RunOutcome } from './run-outcome.js';
import { headline, type RunContext } from './run-study.js';

/** The personal layers of the study's fedper entry (the pooled model has one head per site there), else "last". */
function personalLayersOf(c: RunContext): string {
  const entry = c.spec.strategies.find((s) => s.name === 'fedper');
  const v = entry?.options.personalLayers;
  return typeof v === 'string' ? v : 'last';
}

/**
 * The pooled baseline of a multi-task study: a trunk trained centrally on every site's training
 * set with one head per site (simulator/multi-task.ts), for the same rounds × local epochs as the
 * federated runs; each site's metrics on its own test split.
 */
export async function pooledMultiTaskRun(
  c: RunContext,
  siteLoss: Readonly<Record<string, LossName>>,
  siteTrains: ReadonlyMap<string, Dataset>,
  siteTests: ReadonlyMap<string, Dataset>,
): Promise<RunOutcome> {
  const name = `pooled/${c.modelName}`;
  const started = Date.now();
  const history: RunOutcome['history'] = [];
  c.progress.start(name, c.spec.federation.rounds);
  const { final, perSite } = await trainPooledMultiTask({
    engine: await getEngine(c.spec.engine),
    layout: c.layout,
    initial: c.initial,
    personalLayers: personalLayersOf(c),
    sites: [...siteTrains].map(([siteId, train]) => ({ siteId, loss: siteLoss[siteId], train, test: siteTests.get(siteId)! })),
    rounds: c.spec.federation.rounds,
    epochs: c.spec.training.epochs,
    batchSize: c.spec.training.batchSize,
    optimizer: c.spec.training.optimizer,
    seed: c.spec.seed,
    onRound: async (round, perSite, loss) => {
      const metrics = multiTaskMetrics(perSite);
      history.push({ round, metrics, trainLoss: loss, sites: 0, failed: [] });
      c.log.info({ run: name, round, trainLoss: loss, perSite }, 'round ended');
      c.progress.tick(round, `${headline(c.primary, metrics)} loss ${loss.toFixed(4)}`);
    },
  });
  const outcome = runRecord({
    name,
    kind: 'pooled',
    model: c.modelName,
    final,
    finalMetrics: multiTaskMetrics(perSite),
    history,
    perSite,
    training: c.spec.training,
    durationSeconds: (Date.now() - started) / 1000,
  });
  c.progress.done(`${headline(c.primary, outcome.metrics)} · weights ${outcome.finalWeightsSha256.slice(0, 12)}`);
  c.log.info({ run: name, perSite, finalWeightsSha256: outcome.finalWeightsSha256, durationSeconds: outcome.durationSeconds }, 'run finished');
  return outcome;
}
