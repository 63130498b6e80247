import type { Dataset } from '../../core/dataset.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { allLayers, labelsPerExample, type ModelLayout } from '../../core/model-params.js';
import { Rng } from '../../core/random.js';
import { sizeOf } from '../../core/tensors.js';
import type { TrainOptions, TrainResult } from '../engine.js';
import { backendOf, useBackend, type TfjsBackendName } from './backend.js';
import { stepDropoutSeed } from './dropout-mask.js';
import { FusedOptimizer, type GradientExtras } from './fused-optimizer.js';
import { trainEpochsDpSgd } from './dp-sgd-loop.js';
import type { GradientStep } from './gradient-step.js';
import { updateRunningStats } from './running-stats.js';
import { tensorMemory } from './tensor-memory.js';
import type { WeightStore } from './weight-store.js';

function checkCount(value: number, field: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${field} must be an integer >= ${min}, got ${value}`, { where: field });
  }
}

/** FedProx anchor and SCAFFOLD correction as TF.js-layout arrays aligned with the trainable tensors. */
function gradientExtras(store: WeightStore, trainable: readonly number[], options: TrainOptions): GradientExtras {
  const extras: { correction?: (Float32Array | null)[]; proximal?: GradientExtras['proximal'] } = {};
  if (options.gradientCorrection) {
    const all = store.internalCopies(options.gradientCorrection, 'gradientCorrection');
    extras.correction = trainable.map((i) => all[i]);
  }
  if (options.proximal) {
    const { mu, anchor } = options.proximal;
    if (!Number.isFinite(mu) || mu < 0) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `proximal.mu must be a number >= 0, got ${mu}`, { where: 'proximal.mu' });
    }
    const all = store.internalCopies(anchor, 'proximal anchor');
    const missing = trainable.find((i) => all[i] === null);
    if (missing !== undefined) {
      const name = store.params[missing].name;
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `proximal anchor lacks trainable tensor "${name}"`, { where: name });
    }
    extras.proximal = { mu, anchor: trainable.map((i) => all[i]!) };
  }
  return extras;
}

/**
 * Mini-batch training: each epoch visits the examples in the order of
 * Rng.derive(seed, 'epoch', epoch).permutation(n), keeps the last partial batch, and takes one
 * fused optimizer step per batch. Optimizer state starts fresh in every call.
 */
export async function trainEpochs(
  layout: ModelLayout,
  store: WeightStore,
  step: GradientStep,
  backend: TfjsBackendName,
  data: Dataset,
  options: TrainOptions,
): Promise<TrainResult> {
  checkCount(options.epochs, 'epochs', 0);
  checkCount(options.batchSize, 'batchSize', 1);
  const trainable = step.trainable;
  if (options.dpSgd) {
    const dpSgd = options.dpSgd;
    const result = await trainEpochsDpSgd(layout, store, step, backend, data, { ...options, dpSgd }, gradientExtras(store, trainable, options));
    checkFiniteWeights(store);
    return result;
  }
  const optimizer = new FusedOptimizer(options.optimizer, trainable.map((i) => store.masters[i].length));
  const extras = gradientExtras(store, trainable, options);
  const halfMu = (options.proximal?.mu ?? 0) / 2;
  // Inside concatSkip blocks too.
  const hasDropout = allLayers(layout.layers).some((l) => l.layer.type === 'dropout');
  const per = sizeOf(layout.spec.inputShape);
  const yPer = labelsPerExample(layout);
  const n = data.n;
  const bs = Math.min(options.batchSize, n);
  const xBuf = new Float32Array(bs * per);
  const yBuf = new Float32Array(bs * yPer);
  const weights = trainable.map((i) => store.masters[i]);
  let steps = 0;
  let lastMean = NaN;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    await useBackend(backend);
    const order = Rng.derive(options.seed, 'epoch', epoch).permutation(n);
    let total = 0;
    for (let start = 0; start < n; start += bs) {
      const m = Math.min(bs, n - start);
      for (let r = 0; r < m; r++) {
        const j = order[start + r];
        xBuf.set(data.x.subarray(j * per, (j + 1) * per), r * per);
        if (yPer === 1) yBuf[r] = data.y[j];
        else yBuf.set(data.y.subarray(j * yPer, (j + 1) * yPer), r * yPer);
      }
      const seed = hasDropout ? stepDropoutSeed(options.seed, steps) : undefined;
      const r = step.run(xBuf.subarray(0, m * per), yBuf.subarray(0, m * yPer), m, seed);
      try {
        if (!Number.isFinite(r.loss)) {
          throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `training loss became ${r.loss} at epoch ${epoch}, step ${steps}`, {
            where: 'optimizer.lr',
            hint: 'lower the learning rate, normalise the features, or clip gradients',
          });
        }
        const b = backendOf(backend);
        const grads = r.grads.map((g) => tensorMemory(backend, b, g));
        const proxSum = optimizer.step(weights, grads, extras);
        total += (r.loss + halfMu * proxSum) * m;
      } finally {
        r.grads.forEach((g) => g.dispose());
      }
      updateRunningStats(layout, store.masters, r.batchNormStats);
      store.invalidate();
      steps++;
    }
    lastMean = total / n;
    options.onEpochEnd?.(epoch, lastMean);
  }
  checkFiniteWeights(store);
  return { steps, loss: lastMean, numExamples: n };
}

function checkFiniteWeights(store: WeightStore): void {
  for (const w of store.masters) {
    for (let i = 0; i < w.length; i++) {
      if (!Number.isFinite(w[i])) {
        throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, 'weights became non-finite during training', {
          where: 'optimizer.lr',
          hint: 'lower the learning rate, normalise the features, or clip gradients',
        });
      }
    }
  }
}
