import { z } from 'zod';
import type { ModelLayout } from '../core/model-params.js';
import type { Tensor } from '../core/tensors.js';
import { weightedMean } from './aggregators/weighted-mean.js';
import { numberOption } from './option-schemas.js';
import { checkReplies, toUpdates } from './replies.js';
import { copyState, readState } from './server-state.js';
import type { ServerStrategy } from './strategy.js';
import { filledTensors, overlayTensors, pickTensors, trainableNames, zip2, zip3 } from './weights-math.js';

/** Options shared by FedAdam, FedYogi and FedAdagrad; only the server learning rate's default differs. */
export function fedoptOptions(defaultEta: number) {
  return z.strictObject({
    /** Server learning rate η. */
    eta: numberOption(defaultEta, { gt: 0 }),
    /** First-moment decay β1 (0 turns momentum off). */
    beta1: numberOption(0.9, { min: 0, lt: 1 }),
    /** Second-moment decay β2 (FedAdam and FedYogi; FedAdagrad ignores it). */
    beta2: numberOption(0.99, { min: 0, lt: 1 }),
    /** Adaptivity τ: added to √v, and v starts at τ². */
    tau: numberOption(1e-3, { gt: 0 }),
  });
}
export type FedOptOptions = z.infer<ReturnType<typeof fedoptOptions>>;

/** v_t from v_{t−1} and Δ² per element. */
export type SecondMoment = (v: number, delta2: number, beta2: number) => number;

export const secondMoments = {
  adam: (v, d2, b2) => b2 * v + (1 - b2) * d2,
  yogi: (v, d2, b2) => v - (1 - b2) * d2 * Math.sign(v - d2),
  adagrad: (v, d2) => v + d2,
} satisfies Record<string, SecondMoment>;

const M = 'fedopt.m';
const V = 'fedopt.v';

/**
 * Adaptive server optimisers (Reddi et al. 2021, Algorithm 2). Pseudo-gradient
 * Δ = weighted mean(y_i) − x; m ← β1·m + (1−β1)·Δ; v ← secondMoment(v, Δ²);
 * x ← x + η·m/(√v + τ), with m = 0 and v = τ² at the start. Only trainable tensors get moments;
 * batch-norm running statistics take the plain weighted mean.
 */
export function fedoptServer(name: string, o: FedOptOptions, layout: ModelLayout, secondMoment: SecondMoment): ServerStrategy {
  const names = trainableNames(layout);
  const fresh = () => ({ [M]: filledTensors(layout, names, 0), [V]: filledTensors(layout, names, o.tau * o.tau) });
  let m: Map<string, Tensor> = fresh()[M];
  let v: Map<string, Tensor> = fresh()[V];
  return {
    name,
    configureFit: () => ({ config: {}, extra: {} }),
    aggregateFit: (_ctx, global, replies) => {
      const mean = weightedMean(toUpdates(checkReplies(name, global, replies), 'examples'));
      const x = pickTensors(global, names);
      const delta = zip2(pickTensors(mean, names), x, (y, xi) => y - xi);
      m = zip2(m, delta, (mi, d) => o.beta1 * mi + (1 - o.beta1) * d);
      v = zip2(v, delta, (vi, d) => secondMoment(vi, d * d, o.beta2));
      const stepped = zip3(x, m, v, (xi, mi, vi) => xi + (o.eta * mi) / (Math.sqrt(vi) + o.tau));
      return overlayTensors(mean, stepped);
    },
    exportState: () => copyState({ [M]: m, [V]: v }),
    importState: (state) => {
      const s = readState(name, state, fresh());
      m = s[M];
      v = s[V];
    },
  };
}
