import type { Dataset } from '../../core/dataset.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { outputChannels, outputPositions, type ModelLayout } from '../../core/model-params.js';
import type { ModelSpec } from '../../core/model-spec.js';
import { sizeOf, type Tensor, type Weights } from '../../core/tensors.js';
import type { GradientResult, TrainableModel, TrainOptions, TrainResult } from '../engine.js';
import { resolveOptimizer } from '../tfjs/fused-optimizer.js';
import { applyLink, lossAndGradient } from '../tfjs/losses.js';
import { checkFeatures, checkTargets } from '../tfjs/validate-inputs.js';
import type { NativeAddon, NativeModelHandle } from './addon-types.js';
import { describeModel } from './describe-model.js';
import { trainDpSgd } from './dp-sgd.js';
import { native, nativeAsync } from './native-errors.js';
import { alignedCopies, resolveWeights } from './weight-names.js';

function checkCount(value: number, field: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${field} must be an integer >= ${min}, got ${value}`, { where: field });
  }
}

/**
 * A model on the native libtorch engine. Tensors live in libtorch in PyTorch's names and layouts
 * (so nothing is converted at the federation boundary); training, gradients and inference run on
 * the libuv thread pool and return promises. Semantics are the TF.js engine's: the same epoch
 * order, dropout masks, optimizer rules, FedProx/SCAFFOLD terms and DP-SGD sampling for the
 * same seed. Jobs on one model run one after another.
 */
export class LibtorchModel implements TrainableModel {
  readonly spec: ModelSpec;
  readonly engine = 'libtorch';
  private readonly handle: NativeModelHandle;
  private readonly trainable: number[];
  private tail: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private pending = 0;

  constructor(
    private readonly layout: ModelLayout,
    addon: NativeAddon,
    initial: Weights,
  ) {
    this.spec = layout.spec;
    this.handle = native(() => new addon.NativeModel(describeModel(layout)));
    this.trainable = layout.params.flatMap((p, i) => (p.trainable ? [i] : []));
    this.setWeights(initial);
  }

  getWeights(): Map<string, Tensor> {
    this.assertLive();
    this.assertIdle();
    const data = native(() => this.handle.getWeights());
    return new Map(this.layout.params.map((p, i) => [p.name, { shape: [...p.shape], data: data[i] }]));
  }

  setWeights(weights: Weights): void {
    this.assertLive();
    this.assertIdle();
    const index = resolveWeights(this.layout, weights, 'weights');
    native(() => {
      for (const [name, t] of weights) this.handle.setWeight(index.get(name)!, t.data);
    });
  }

  train(data: Dataset, options: TrainOptions): Promise<TrainResult> {
    return this.exclusive(async () => {
      checkFeatures(this.layout, data.x, data.n, data.featureShape);
      checkTargets(this.layout, data.y, data.n);
      checkCount(options.epochs, 'epochs', 0);
      checkCount(options.batchSize, 'batchSize', 1);
      const optimizer = resolveOptimizer(options.optimizer);
      const mu = options.proximal?.mu ?? 0;
      if (options.proximal && (!Number.isFinite(mu) || mu < 0)) {
        throw new MedfedError(ErrorCodes.CONFIG_INVALID, `proximal.mu must be a number >= 0, got ${mu}`, { where: 'proximal.mu' });
      }
      const anchor = options.proximal ? alignedCopies(this.layout, options.proximal.anchor, this.trainable, 'proximal anchor') : undefined;
      const missing = anchor?.findIndex((a) => a === null) ?? -1;
      if (missing >= 0) {
        const name = this.layout.params[this.trainable[missing]].name;
        throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `proximal anchor lacks trainable tensor "${name}"`, { where: name });
      }
      const correction = options.gradientCorrection
        ? alignedCopies(this.layout, options.gradientCorrection, this.trainable, 'gradientCorrection')
        : undefined;
      native(() => this.handle.beginTrain({ optimizer, seed: options.seed | 0, batchSize: options.batchSize, mu, anchor, correction }));
      let ended = false;
      try {
        let result: TrainResult;
        if (options.dpSgd) {
          const sizes = this.trainable.map((i) => sizeOf(this.layout.params[i].shape));
          result = await trainDpSgd(this.layout, this.handle, sizes, data, { ...options, dpSgd: options.dpSgd });
        } else {
          let loss = NaN;
          for (let epoch = 0; epoch < options.epochs; epoch++) {
            loss = (await nativeAsync(() => this.handle.trainEpoch(data.x, data.y, data.n, epoch))).loss;
            options.onEpochEnd?.(epoch, loss);
          }
          result = { steps: 0, loss, numExamples: data.n };
        }
        ended = true;
        const steps = native(() => this.handle.endTrain());
        return { ...result, steps };
      } finally {
        if (!ended) {
          try {
            this.handle.endTrain();
          } catch {
            // The training error is the one to report.
          }
        }
      }
    });
  }

  predict(x: Float32Array, n: number): Promise<Float32Array> {
    return this.exclusive(async () => {
      checkFeatures(this.layout, x, n);
      // Per voxel for a spatial output: n * rows rows of k, channels-last (as the TF.js engine).
      const k = outputChannels(this.layout);
      const rows = outputPositions(this.layout);
      const logits = await nativeAsync(() => this.handle.logits(x, n, rows * k));
      const out = new Float32Array(n * rows * k);
      applyLink(this.spec.loss, logits, n * rows, k, out);
      return out;
    });
  }

  evaluateLoss(data: Dataset): Promise<number> {
    return this.exclusive(async () => {
      checkFeatures(this.layout, data.x, data.n, data.featureShape);
      checkTargets(this.layout, data.y, data.n);
      const k = outputChannels(this.layout);
      const rows = outputPositions(this.layout);
      const logits = await nativeAsync(() => this.handle.logits(data.x, data.n, rows * k));
      return lossAndGradient(this.spec.loss, logits, data.y, data.n * rows, k);
    });
  }

  gradients(x: Float32Array, y: Float32Array, n: number, options: { dropoutSeed?: number } = {}): Promise<GradientResult> {
    return this.exclusive(async () => {
      checkFeatures(this.layout, x, n);
      checkTargets(this.layout, y, n);
      const seed = options.dropoutSeed === undefined ? undefined : options.dropoutSeed | 0;
      const r = await nativeAsync(() => this.handle.gradients(x, y, n, seed));
      const gradients = new Map<string, Tensor>();
      this.trainable.forEach((pi, j) => {
        const p = this.layout.params[pi];
        gradients.set(p.name, { shape: [...p.shape], data: r.grads[j] });
      });
      return { loss: r.loss, gradients };
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // A running job keeps the native model alive until it ends; free it then.
    void this.tail.then(() => {
      try {
        this.handle.dispose();
      } catch {
        // Nothing to free twice.
      }
    });
  }

  /** Runs jobs on this model one after another (the addon runs one at a time). */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    this.assertLive();
    this.pending++;
    const run = this.tail.then(job, job).finally(() => this.pending--);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** getWeights/setWeights while a job is queued or running would see or break a half-done step. */
  private assertIdle(): void {
    if (this.pending > 0) {
      throw new MedfedError(ErrorCodes.ENGINE_FAILURE, 'the model is busy with a training, gradient or inference job', {
        where: 'engine libtorch',
        hint: 'await the running job before reading or replacing weights',
      });
    }
  }

  private assertLive(): void {
    if (this.disposed) {
      throw new MedfedError(ErrorCodes.ENGINE_FAILURE, 'this model was disposed', { where: 'engine libtorch', hint: 'build a new model' });
    }
  }
}
