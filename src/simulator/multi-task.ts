import type { Dataset } from '../core/dataset.js';
import { modelLayout, type ModelLayout } from '../core/model-params.js';
import type { LossName } from '../core/model-spec.js';
import { Rng, deriveSeed } from '../core/random.js';
import { cloneWeights, type Tensor, type Weights } from '../core/tensors.js';
import type { OptimizerSpec, TrainableModel, TrainingEngine } from '../engine/engine.js';
import { FusedOptimizer } from '../engine/tfjs/fused-optimizer.js';
import { personalParamNames } from '../strategies/fedper.js';
import { overlayTensors, pickTensors } from '../strategies/weights-math.js';
import { PooledEvaluator, summaryMetrics } from './pooled-evaluator.js';

type MetricRecord = Record<string, number | null>;

/**
 * Multi-task studies (data.kind molecules): every site is its own task with its own loss, so
 * there is no pooled test set; a run's headline is the mean over sites of each site's test loss
 * (its own model or trunk + head on its own split). The per-site RMSE / AUROC stay in perSite.
 */
export function multiTaskMetrics(perSite: Readonly<Record<string, MetricRecord>>): MetricRecord {
  const losses = Object.values(perSite)
    .map((m) => m.loss)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return { loss: losses.length > 0 ? losses.reduce((a, b) => a + b, 0) / losses.length : null };
}

/** Head tensors of site `id` in the pooled multi-task model's weights: "head.<id>.<name>". */
export const headKey = (siteId: string, name: string) => `head.${siteId}.${name}`;

/**
 * The pooled multi-task baseline (simulator only): one trunk trained centrally on every site's
 * training molecules, one head per site, the same layout as the federated model. Each mini-batch
 * comes from one site (batches of all sites interleaved in a seeded random order each epoch); its
 * loss (the site's own) flows through the shared trunk and that site's head. The optimizer
 * (study's, PyTorch rules) keeps one state for the trunk and one per head. Returns the trunk with
 * every head under "head.<site>.<name>", and each site's metrics on its own test split.
 */
export async function trainPooledMultiTask(o: {
  engine: TrainingEngine;
  layout: ModelLayout;
  initial: Weights;
  personalLayers: string;
  sites: readonly { siteId: string; loss: LossName; train: Dataset; test: Dataset }[];
  rounds: number;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  seed: number;
  onRound: (round: number, perSite: Record<string, MetricRecord>, trainLoss: number) => Promise<void>;
}): Promise<{ final: Weights; perSite: Record<string, MetricRecord> }> {
  const trainable = new Set(o.layout.params.filter((p) => p.trainable).map((p) => p.name));
  const headNames = personalParamNames(o.layout, o.personalLayers).filter((n) => trainable.has(n));
  const trunkNames = o.layout.params.filter((p) => trainable.has(p.name) && !headNames.includes(p.name)).map((p) => p.name);
  const trunk = cloneWeights(pickTensors(o.initial, trunkNames));
  const models: TrainableModel[] = [];
  try {
    const sites: (typeof o.sites[number] & { model: TrainableModel; head: Map<string, Tensor>; optimizer: FusedOptimizer; evaluator: PooledEvaluator })[] = [];
    for (const s of o.sites) {
      const model = await o.engine.build(modelLayout({ ...o.layout.spec, loss: s.loss }).spec, { seed: o.seed });
      models.push(model);
      const head = cloneWeights(pickTensors(o.initial, headNames));
      model.setWeights(o.initial);
      sites.push({ ...s, model, head, optimizer: new FusedOptimizer(o.optimizer, headNames.map((n) => head.get(n)!.data.length)), evaluator: new PooledEvaluator(model, s.test) });
    }
    const trunkOptimizer = new FusedOptimizer(o.optimizer, trunkNames.map((n) => trunk.get(n)!.data.length));
    const per = o.layout.spec.inputShape.reduce((a, b) => a * b, 1);
    const evaluate = async () => {
      const perSite: Record<string, MetricRecord> = {};
      for (const s of sites) perSite[s.siteId] = summaryMetrics(await s.evaluator.evaluate(overlayTensors(trunk, s.head)));
      return perSite;
    };
    let perSite: Record<string, MetricRecord> = {};
    for (let round = 1; round <= o.rounds; round++) {
      let lossSum = 0;
      let lossN = 0;
      for (let epoch = 0; epoch < o.epochs; epoch++) {
        const rng = Rng.derive(o.seed, 'pooled-multitask', round, epoch);
        const batches: { site: number; rows: Int32Array }[] = [];
        sites.forEach((s, k) => {
          const order = rng.permutation(s.train.n);
          for (let i = 0; i < order.length; i += o.batchSize) batches.push({ site: k, rows: order.subarray(i, i + o.batchSize) });
        });
        rng.shuffle(batches);
        for (const [b, { site, rows }] of batches.entries()) {
          const s = sites[site];
          const x = new Float32Array(rows.length * per);
          const y = new Float32Array(rows.length);
          rows.forEach((r, i) => {
            x.set(s.train.x.subarray(r * per, (r + 1) * per), i * per);
            y[i] = s.train.y[r];
          });
          s.model.setWeights(overlayTensors(trunk, s.head));
          const g = await s.model.gradients(x, y, rows.length, { dropoutSeed: deriveSeed(o.seed, 'pooled-multitask-dropout', round, epoch, b) });
          trunkOptimizer.step(trunkNames.map((n) => trunk.get(n)!.data), trunkNames.map((n) => g.gradients.get(n)!.data));
          s.optimizer.step(headNames.map((n) => s.head.get(n)!.data), headNames.map((n) => g.gradients.get(n)!.data));
          lossSum += g.loss * rows.length;
          lossN += rows.length;
        }
      }
      perSite = await evaluate();
      await o.onRound(round, perSite, lossSum / Math.max(1, lossN));
    }
    const final = new Map(trunk);
    for (const s of sites) for (const [n, t] of s.head) final.set(headKey(s.siteId, n), t);
    return { final, perSite };
  } finally {
    for (const m of models) m.dispose();
  }
}
