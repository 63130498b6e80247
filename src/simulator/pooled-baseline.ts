import type { Dataset } from '../core/dataset.js';
import { deriveSeed } from '../core/random.js';
import type { Weights } from '../core/tensors.js';
import type { TrainableModel, TrainOptions } from '../engine/engine.js';

/**
 * The pooled baseline (simulator only): one model trained centrally on the union of every
 * site's training rows, for the same number of rounds x local epochs as the federated runs.
 * `onRound` sees the model after each round's worth of epochs.
 */
export async function trainPooled(
  model: TrainableModel,
  train: Dataset,
  initial: Weights,
  o: { rounds: number; options: Omit<TrainOptions, 'seed'>; seed: number; onRound: (round: number, w: Weights, loss: number) => Promise<void> },
): Promise<Weights> {
  model.setWeights(initial);
  for (let round = 1; round <= o.rounds; round++) {
    const r = await model.train(train, { ...o.options, seed: deriveSeed(o.seed, 'pooled', round) });
    await o.onRound(round, model.getWeights(), r.loss);
  }
  return model.getWeights();
}
