import type { Dataset } from '../../core/dataset.js';
import { deriveSeed } from '../../core/random.js';
import type { Tensor, Weights } from '../../core/tensors.js';
import type { OptimizerSpec, TrainableModel } from '../../engine/engine.js';
import type { WeightedUpdate } from '../../strategies/aggregators/types.js';
import { backdoorTrainingSet, scaleUpdate, type TabularTrigger } from './attacks.js';

export type PoisoningAttack =
  | { readonly kind: 'none' }
  /** Model replacement: train on clean + triggered rows, send G + boost (X - G). */
  | { readonly kind: 'backdoor'; readonly trigger: TabularTrigger; readonly boost: number }
  /** Send G - scale (X - G): the honest update reversed and amplified. */
  | { readonly kind: 'sign-flip'; readonly scale: number };

export interface FederationOptions {
  readonly rounds: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerSpec;
  readonly seed: number;
}

/**
 * FedAvg-style rounds in one process: every site trains from the global model with the engine,
 * malicious sites (indices in `malicious`) replace their reply by the attack's, and the server
 * rule aggregates the replies (equal weights). Returns the final global weights.
 */
export async function runPoisonedFederation(
  model: TrainableModel,
  initial: Weights,
  sites: readonly Dataset[],
  malicious: ReadonlySet<number>,
  attack: PoisoningAttack,
  aggregate: (updates: readonly WeightedUpdate[], global: Weights) => Map<string, Tensor>,
  o: FederationOptions,
): Promise<Map<string, Tensor>> {
  let global = new Map(initial);
  for (let round = 0; round < o.rounds; round++) {
    const updates: WeightedUpdate[] = [];
    for (let s = 0; s < sites.length; s++) {
      const bad = malicious.has(s) && attack.kind !== 'none';
      const data = bad && attack.kind === 'backdoor' ? backdoorTrainingSet(sites[s], attack.trigger) : sites[s];
      model.setWeights(global);
      await model.train(data, { epochs: o.epochs, batchSize: o.batchSize, optimizer: o.optimizer, seed: deriveSeed(o.seed, 'site', s, round) });
      let weights: Map<string, Tensor> = model.getWeights();
      if (bad && attack.kind === 'backdoor') weights = scaleUpdate(global, weights, attack.boost);
      if (bad && attack.kind === 'sign-flip') weights = scaleUpdate(global, weights, -attack.scale);
      updates.push({ weights, weight: 1 });
    }
    global = aggregate(updates, global);
  }
  return global;
}

/** Predicted class per row (argmax of the model's probabilities; > 0.5 for one output). */
export async function predictClasses(model: TrainableModel, weights: Weights, d: Dataset): Promise<{ classes: number[]; scores: number[] }> {
  model.setWeights(weights);
  const p = await model.predict(d.x, d.n);
  const k = p.length / d.n;
  const classes: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < d.n; i++) {
    const row = p.subarray(i * k, (i + 1) * k);
    if (k === 1) {
      classes.push(row[0] > 0.5 ? 1 : 0);
      scores.push(row[0]);
    } else {
      let best = 0;
      for (let c = 1; c < k; c++) if (row[c] > row[best]) best = c;
      classes.push(best);
      scores.push(row[k - 1]);
    }
  }
  return { classes, scores };
}
