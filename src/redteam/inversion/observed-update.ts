import { makeDataset } from '../../core/dataset.js';
import type { Tensor } from '../../core/tensors.js';
import type { TrainableModel } from '../../engine/engine.js';

/** What the attacker sees from one training step of the victim site. */
export interface ObservedUpdate {
  /** The step's gradient (or the DP-SGD noisy mean of clipped gradients), by parameter name. */
  readonly gradients: Map<string, Tensor>;
}

export interface StepDp {
  readonly clipNorm: number;
  readonly noiseMultiplier: number;
  /** Seeded uniform source: tests only (default: the platform CSPRNG, as in production). */
  readonly uniform?: () => number;
}

/**
 * One site step on a batch through the real engine. Without DP: the mean-loss gradient
 * (FedSGD's update). With DP: the engine's own DP-SGD (per-example clipping to C, Gaussian noise
 * sigma C, division by the expected batch size) for one SGD step at learning rate 1, read back as
 * w_before - w_after; every example of the batch is in it (sampling rate 1: the attacker's best
 * case for that step). The model's weights are restored afterwards.
 */
export async function observeStep(
  model: TrainableModel,
  x: Float32Array,
  labels: readonly number[],
  featureShape: readonly number[],
  classes: number,
  dp?: StepDp,
): Promise<ObservedUpdate> {
  const n = labels.length;
  const y = Float32Array.from(labels);
  if (!dp) return { gradients: (await model.gradients(x, y, n)).gradients };
  const before = model.getWeights();
  await model.train(makeDataset(x, y, featureShape, classes), {
    epochs: 1,
    batchSize: n,
    seed: 0,
    optimizer: { name: 'sgd', lr: 1 },
    dpSgd: { clipNorm: dp.clipNorm, noiseMultiplier: dp.noiseMultiplier, samplingRate: 1, uniform: dp.uniform },
  });
  const after = model.getWeights();
  const gradients = new Map<string, Tensor>();
  for (const [name, t] of before) {
    const a = after.get(name)!;
    gradients.set(name, { shape: [...t.shape], data: t.data.map((v, i) => v - a.data[i]) });
  }
  model.setWeights(before);
  return { gradients };
}
