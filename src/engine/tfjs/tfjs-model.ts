import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../core/dataset.js';
import { ErrorCodes, MedfedError, asMedfedError } from '../../core/errors.js';
import { labelsPerExample, outputChannels, outputPositions, type ModelLayout } from '../../core/model-params.js';
import type { ModelSpec } from '../../core/model-spec.js';
import { sizeOf, type Tensor, type Weights } from '../../core/tensors.js';
import type { GradientResult, TrainableModel, TrainOptions, TrainResult } from '../engine.js';
import { backendOf, useBackend, type TfjsBackendName } from './backend.js';
import { forward } from './forward.js';
import { GradientStep } from './gradient-step.js';
import { toExternal } from './layout-convert.js';
import { applyLink, lossAndGradient } from './losses.js';
import { tensorMemory } from './tensor-memory.js';
import { trainEpochs } from './train-loop.js';
import { checkFeatures, checkTargets } from './validate-inputs.js';
import { WeightStore } from './weight-store.js';

/** Examples per forward pass in predict/evaluateLoss. */
const INFERENCE_CHUNK = 1024;

/** A model built from the declarative spec, trained with TF.js ops and autodiff on one backend. */
export class TfjsModel implements TrainableModel {
  readonly spec: ModelSpec;
  private readonly store: WeightStore;
  private readonly step: GradientStep;
  private disposed = false;

  constructor(
    private readonly layout: ModelLayout,
    private readonly backend: TfjsBackendName,
    readonly engine: string,
    initial: Weights,
  ) {
    this.spec = layout.spec;
    this.store = new WeightStore(layout, backend);
    this.store.set(initial);
    this.step = new GradientStep(layout, this.store);
  }

  getWeights(): Map<string, Tensor> {
    this.assertLive();
    return this.store.get();
  }

  setWeights(weights: Weights): void {
    this.assertLive();
    this.store.set(weights);
  }

  async train(data: Dataset, options: TrainOptions): Promise<TrainResult> {
    this.assertLive();
    checkFeatures(this.layout, data.x, data.n, data.featureShape);
    checkTargets(this.layout, data.y, data.n);
    return this.guard(() => trainEpochs(this.layout, this.store, this.step, this.backend, data, options));
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    this.assertLive();
    checkFeatures(this.layout, x, n);
    // Per voxel for a spatial output: n * positions rows of k, in the output's channels-last order.
    const k = outputChannels(this.layout);
    const rows = outputPositions(this.layout);
    const out = new Float32Array(n * rows * k);
    await this.guard(async () =>
      this.inferChunks(x, n, (logits, start, m) => applyLink(this.spec.loss, logits, m * rows, k, out.subarray(start * rows * k))),
    );
    return out;
  }

  async evaluateLoss(data: Dataset): Promise<number> {
    this.assertLive();
    checkFeatures(this.layout, data.x, data.n, data.featureShape);
    checkTargets(this.layout, data.y, data.n);
    const k = outputChannels(this.layout);
    const rows = outputPositions(this.layout);
    const yPer = labelsPerExample(this.layout);
    let total = 0;
    if (this.spec.loss === 'cox') {
      // The partial likelihood does not split into chunks: every row is in others' risk sets.
      const risk = new Float32Array(data.n);
      await this.guard(async () => this.inferChunks(data.x, data.n, (logits, start) => risk.set(logits, start)));
      return lossAndGradient('cox', risk, data.y, data.n, 1);
    }
    await this.guard(async () =>
      this.inferChunks(data.x, data.n, (logits, start, m) => {
        total += m * lossAndGradient(this.spec.loss, logits, data.y.subarray(start * yPer, (start + m) * yPer), m * rows, k);
      }),
    );
    return total / data.n;
  }

  async gradients(x: Float32Array, y: Float32Array, n: number, options: { dropoutSeed?: number } = {}): Promise<GradientResult> {
    this.assertLive();
    checkFeatures(this.layout, x, n);
    checkTargets(this.layout, y, n);
    return this.guard(async () => {
      await useBackend(this.backend);
      const r = this.step.run(x, y, n, options.dropoutSeed);
      const gradients = new Map<string, Tensor>();
      try {
        this.step.trainable.forEach((pi, j) => {
          const p = this.layout.params[pi];
          const view = tensorMemory(this.backend, backendOf(this.backend), r.grads[j]);
          gradients.set(p.name, { shape: [...p.shape], data: toExternal(p, view) });
        });
      } finally {
        r.grads.forEach((g) => g.dispose());
      }
      return { loss: r.loss, gradients };
    });
  }

  dispose(): void {
    this.store.dispose();
    this.disposed = true;
  }

  /** Runs the inference-mode forward pass chunk by chunk; `take` gets each chunk's logits. */
  private async inferChunks(x: Float32Array, n: number, take: (logits: Float32Array, start: number, m: number) => void): Promise<void> {
    await useBackend(this.backend);
    const per = sizeOf(this.spec.inputShape);
    const params = this.store.tensors();
    for (let start = 0; start < n; start += INFERENCE_CHUNK) {
      const m = Math.min(INFERENCE_CHUNK, n - start);
      const logits = tf.tidy(() => {
        const input = tf.tensor(x.subarray(start * per, (start + m) * per), [m, ...this.spec.inputShape], 'float32');
        return forward(this.layout, params, input, { training: false });
      });
      try {
        take(logits.dataSync() as Float32Array, start, m);
      } finally {
        logits.dispose();
      }
    }
  }

  /** Turns TF.js failures (a missing kernel, a backend error) into ENGINE_FAILURE. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof MedfedError) throw e;
      throw new MedfedError(ErrorCodes.ENGINE_FAILURE, `TF.js (${this.backend}) failed: ${asMedfedError(e).message}`, {
        where: `engine ${this.engine}`,
        hint: 'a missing kernel means this layer type cannot train on this backend; try the "tfjs-cpu" engine',
        cause: e,
      });
    }
  }

  private assertLive(): void {
    if (this.disposed) {
      throw new MedfedError(ErrorCodes.ENGINE_FAILURE, 'this model was disposed', { where: `engine ${this.engine}`, hint: 'build a new model' });
    }
  }
}
