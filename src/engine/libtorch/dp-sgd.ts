import type { Dataset } from '../../core/dataset.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { allLayers, type ModelLayout } from '../../core/model-params.js';
import { deriveSeed } from '../../core/random.js';
import { sizeOf } from '../../core/tensors.js';
import { dpSgdPlan } from '../../privacy/dp/dp-sgd-plan.js';
import { gaussianSource, secureUniform } from '../../privacy/dp/secure-random.js';
import type { DpSgdOptions, TrainOptions, TrainResult } from '../engine.js';
import { toExternal } from '../tfjs/layout-convert.js';
import type { NativeModelHandle } from './addon-types.js';
import { nativeAsync, native } from './native-errors.js';
import { checkDpOptions } from '../dp-sgd-checks.js';


/**
 * DP-SGD on the native engine with the semantics of tfjs/dp-sgd-loop.ts: the Poisson batch and
 * the Gaussian noise are drawn here, in JS, from the same `uniform` source and in the same order;
 * the addon computes each example's gradient with its own forward/backward pass (a batch of one),
 * clips it and sums in float64 off the main thread; the session's optimizer (weight decay, FedProx,
 * SCAFFOLD) then steps. The caller has begun the native training session.
 */
export async function trainDpSgd(
  layout: ModelLayout,
  handle: NativeModelHandle,
  sizes: readonly number[],
  data: Dataset,
  options: TrainOptions & { dpSgd: DpSgdOptions },
): Promise<TrainResult> {
  const dp = options.dpSgd;
  checkDpOptions(layout, dp);
  const n = data.n;
  const plan = dpSgdPlan({ n, batchSize: options.batchSize, epochs: options.epochs, samplingRate: dp.samplingRate });
  const uniform = dp.uniform ?? secureUniform();
  const normal = gaussianSource(uniform);
  // Inside concatSkip blocks too.
  const hasDropout = allLayers(layout.layers).some((l) => l.layer.type === 'dropout');
  const per = sizeOf(layout.spec.inputShape);
  const yPer = layout.spec.loss === 'mse' ? layout.outputShape[0] : 1;
  const noiseStd = dp.noiseMultiplier * dp.clipNorm;
  const halfMu = (options.proximal?.mu ?? 0) / 2;
  // For each PyTorch-layout position, its position in the TF.js layout (see tfjs/layout-convert.ts).
  const noiseOrder = layout.params.filter((p) => p.trainable).map((p) => toExternal(p, Float32Array.from({ length: sizeOf(p.shape) }, (_, i) => i)));
  let steps = 0;
  let lastMean = NaN;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    let lossTotal = 0;
    let seen = 0;
    for (let s = 0; s < plan.stepsPerEpoch; s++) {
      // A fresh batch buffer per step: the addon reads it on another thread until the step resolves.
      const chosen: number[] = [];
      for (let j = 0; j < n; j++) if (uniform() < plan.q) chosen.push(j);
      const m = chosen.length;
      const xBuf = new Float32Array(m * per);
      const yBuf = new Float32Array(m * yPer);
      chosen.forEach((j, r) => {
        xBuf.set(data.x.subarray(j * per, (j + 1) * per), r * per);
        yBuf.set(data.y.subarray(j * yPer, (j + 1) * yPer), r * yPer);
      });
      const t = steps;
      const seeds = hasDropout ? Int32Array.from({ length: m }, (_, r) => deriveSeed(options.seed, 'dp-dropout', t, r)) : null;
      const r = await nativeAsync(() => handle.clippedGradientSum(xBuf, yBuf, m, dp.clipNorm, seeds));
      if (!Number.isFinite(r.lossSum)) {
        throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `training loss became ${r.lossSum} at epoch ${epoch}, step ${steps}`, {
          where: 'optimizer.lr',
          hint: 'lower the learning rate, normalise the features, or lower dpSgd.clipNorm',
        });
      }
      const grads = sizes.map((size, k) => {
        const sum = r.sums[k] ?? new Float64Array(size);
        const g = new Float32Array(size);
        if (noiseStd === 0) {
          for (let i = 0; i < size; i++) g[i] = sum[i] / plan.expectedBatchSize;
          return g;
        }
        // Noise is drawn in the TF.js engine's tensor layout order, so a coordinate gets the same draw on both engines.
        const noise = new Float64Array(size);
        for (let i = 0; i < size; i++) noise[i] = noiseStd * normal();
        const order = noiseOrder[k];
        for (let i = 0; i < size; i++) g[i] = (sum[i] + noise[order[i]]) / plan.expectedBatchSize;
        return g;
      });
      const proxSum = native(() => handle.applyStep(grads));
      lossTotal += r.lossSum + halfMu * proxSum * m;
      seen += m;
      steps++;
    }
    lastMean = seen > 0 ? lossTotal / seen : NaN;
    options.onEpochEnd?.(epoch, lastMean);
  }
  return { steps, loss: lastMean, numExamples: n };
}
