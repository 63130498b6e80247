import type { Dataset } from '../core/dataset.js';
import type { ModelSpec } from '../core/model-spec.js';
import type { Tensor, Weights } from '../core/tensors.js';

/**
 * A training engine builds trainable models from the declarative model spec. TF.js (wasm) is the
 * portable engine; a native libtorch engine plugs in beside it (issue #7). At this boundary every
 * engine speaks the same weight names and PyTorch layouts (core/model-params.ts).
 */
export interface TrainingEngine {
  /** e.g. "tfjs-wasm", "tfjs-cpu", "libtorch". */
  readonly name: string;
  /** Build a model; initial weights are core/model-params.initialWeights(layout, seed). */
  build(spec: ModelSpec, options: { seed: number }): Promise<TrainableModel>;
}

export interface OptimizerSpec {
  readonly name: 'sgd' | 'momentum' | 'adam';
  readonly lr: number;
  /** momentum only (default 0.9). */
  readonly momentum?: number;
  /** adam only (defaults 0.9, 0.999, 1e-8). */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** L2 penalty added to the gradient (PyTorch's weight_decay), default 0. */
  readonly weightDecay?: number;
}

/**
 * Patient-level DP-SGD (Abadi et al. 2016): every step draws a Poisson batch (each example with
 * probability q), clips each example's gradient over all trainable tensors to L2 norm <= clipNorm,
 * sums, adds N(0, (noiseMultiplier * clipNorm)^2) to every coordinate and divides by the expected
 * batch size q n. An epoch is ceil(1 / q) steps. See docs/differential-privacy.md.
 */
export interface DpSgdOptions {
  readonly clipNorm: number;
  /** sigma: noise standard deviation / clipNorm; 0 gives no privacy (tests only). */
  readonly noiseMultiplier: number;
  /** Poisson sampling rate q (default batchSize / n). */
  readonly samplingRate?: number;
  /**
   * Uniform [0, 1) source (53-bit) for batch sampling and noise. Default and required for
   * privacy: the platform CSPRNG. A seeded source is for tests only.
   */
  readonly uniform?: () => number;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerSpec;
  /** Seeds the example order of each epoch and the dropout masks. */
  readonly seed: number;
  /** FedProx: adds mu/2 * ||w - anchor||^2 over trainable tensors to the loss. */
  readonly proximal?: { readonly mu: number; readonly anchor: Weights };
  /** SCAFFOLD: added to every gradient of the named tensors before the optimizer step (c - c_i). */
  readonly gradientCorrection?: Weights;
  /** Patient-level differential privacy (DP-SGD); batches are then Poisson samples (see DpSgdOptions). */
  readonly dpSgd?: DpSgdOptions;
  /** Called after each epoch (progress, logs). */
  readonly onEpochEnd?: (epoch: number, meanLoss: number) => void;
}

export interface TrainResult {
  /** Optimizer steps taken (SCAFFOLD needs it). */
  readonly steps: number;
  /** Mean training loss of the last epoch. */
  readonly loss: number;
  readonly numExamples: number;
}

export interface GradientResult {
  readonly loss: number;
  /** d(mean loss)/d(param) for every trainable tensor, PyTorch names and layouts. */
  readonly gradients: Map<string, Tensor>;
}

export interface TrainableModel {
  readonly spec: ModelSpec;
  readonly engine: string;
  /** All tensors (trainable and batch-norm statistics), canonical names and layouts. */
  getWeights(): Map<string, Tensor>;
  /** Replace tensors; names must exist and shapes match (a subset is allowed). */
  setWeights(weights: Weights): void;
  train(data: Dataset, options: TrainOptions): Promise<TrainResult>;
  /**
   * Model outputs after the loss's link: class probabilities (softmax), P(y=1) (sigmoid) or the
   * regression values; n rows of outputShape[0] values. Inference mode (no dropout, running stats).
   */
  predict(x: Float32Array, n: number): Promise<Float32Array>;
  /** Mean loss on a dataset in inference mode. */
  evaluateLoss(data: Dataset): Promise<number>;
  /**
   * Loss and gradients on one batch in training mode (batch statistics for batch norm). Dropout
   * is applied only when `dropoutSeed` is given; masks come from core/random so every engine
   * draws the same mask for the same seed.
   */
  gradients(x: Float32Array, y: Float32Array, n: number, options?: { dropoutSeed?: number }): Promise<GradientResult>;
  dispose(): void;
}
