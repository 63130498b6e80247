import type { Dataset } from '../../core/dataset.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { allLayers, labelsPerExample, type ModelLayout } from '../../core/model-params.js';
import { deriveSeed } from '../../core/random.js';
import { sizeOf } from '../../core/tensors.js';
import { dpSgdPlan } from '../../privacy/dp/dp-sgd-plan.js';
import { gaussianSource, secureUniform } from '../../privacy/dp/secure-random.js';
import type { DpSgdOptions, TrainOptions, TrainResult } from '../engine.js';
import { useBackend, type TfjsBackendName } from './backend.js';
import { FusedOptimizer, type GradientExtras } from './fused-optimizer.js';
import type { GradientStep } from './gradient-step.js';
import { clippedGradientSum } from './per-example-gradients.js';
import type { WeightStore } from './weight-store.js';
import { checkDpOptions } from '../dp-sgd-checks.js';


/**
 * DP-SGD (Abadi et al. 2016) over `options.epochs` epochs of ceil(1 / q) steps. Each step draws a
 * Poisson batch (example i joins when a uniform draw < q, drawn for i = 0..n-1 in order), sums the
 * clipped per-example gradients, adds N(0, (sigma C)^2) per coordinate (nothing drawn when
 * sigma = 0) and divides by the expected batch size q n; the optimizer (with weight decay, FedProx,
 * SCAFFOLD terms, which do not touch the data) then takes its step. Example r of step t gets the
 * dropout seed deriveSeed(seed, 'dp-dropout', t, r).
 */
export async function trainEpochsDpSgd(
  layout: ModelLayout,
  store: WeightStore,
  step: GradientStep,
  backend: TfjsBackendName,
  data: Dataset,
  options: TrainOptions & { dpSgd: DpSgdOptions },
  extras: GradientExtras,
): Promise<TrainResult> {
  const dp = options.dpSgd;
  checkDpOptions(layout, dp);
  const n = data.n;
  const plan = dpSgdPlan({ n, batchSize: options.batchSize, epochs: options.epochs, samplingRate: dp.samplingRate });
  const uniform = dp.uniform ?? secureUniform();
  const normal = gaussianSource(uniform);
  const trainable = step.trainable;
  const sizes = trainable.map((i) => store.masters[i].length);
  const optimizer = new FusedOptimizer(options.optimizer, sizes);
  const weights = trainable.map((i) => store.masters[i]);
  // Inside concatSkip blocks too.
  const hasDropout = allLayers(layout.layers).some((l) => l.layer.type === 'dropout');
  const per = sizeOf(layout.spec.inputShape);
  const yPer = labelsPerExample(layout);
  const xBuf = new Float32Array(n * per);
  const yBuf = new Float32Array(n * yPer);
  const noiseStd = dp.noiseMultiplier * dp.clipNorm;
  const halfMu = (options.proximal?.mu ?? 0) / 2;
  let steps = 0;
  let lastMean = NaN;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    await useBackend(backend);
    let lossTotal = 0;
    let seen = 0;
    for (let s = 0; s < plan.stepsPerEpoch; s++) {
      let m = 0;
      for (let j = 0; j < n; j++) {
        if (uniform() >= plan.q) continue;
        xBuf.set(data.x.subarray(j * per, (j + 1) * per), m * per);
        if (yPer === 1) yBuf[m] = data.y[j];
        else yBuf.set(data.y.subarray(j * yPer, (j + 1) * yPer), m * yPer);
        m++;
      }
      const t = steps;
      const seedOf = (r: number) => (hasDropout ? deriveSeed(options.seed, 'dp-dropout', t, r) : undefined);
      const r = clippedGradientSum(step, backend, sizes, xBuf.subarray(0, m * per), yBuf.subarray(0, m * yPer), m, dp.clipNorm, seedOf);
      if (!Number.isFinite(r.lossSum)) {
        throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `training loss became ${r.lossSum} at epoch ${epoch}, step ${steps}`, {
          where: 'optimizer.lr',
          hint: 'lower the learning rate, normalise the features, or lower dpSgd.clipNorm',
        });
      }
      const grads = r.sums.map((sum) => {
        const g = new Float32Array(sum.length);
        for (let i = 0; i < sum.length; i++) g[i] = (sum[i] + (noiseStd === 0 ? 0 : noiseStd * normal())) / plan.expectedBatchSize;
        return g;
      });
      const proxSum = optimizer.step(weights, grads, extras);
      lossTotal += r.lossSum + halfMu * proxSum * m;
      seen += m;
      store.invalidate();
      steps++;
    }
    lastMean = seen > 0 ? lossTotal / seen : NaN;
    options.onEpochEnd?.(epoch, lastMean);
  }
  return { steps, loss: lastMean, numExamples: n };
}
