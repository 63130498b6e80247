import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { ModelLayout } from '../core/model-params.js';
import type { Tensor, Weights } from '../core/tensors.js';
import { nextClipNorm, privateMeanOfDeltas, updateNoiseMultiplier } from '../privacy/dp/dp-fedavg-math.js';
import { gaussianSource, type UniformSource } from '../privacy/dp/secure-random.js';
import { numberOption } from './option-schemas.js';
import { checkReplies } from './replies.js';
import { readState } from './server-state.js';
import type { FitReply, ServerStrategy, SiteStrategy, StrategyPlugin } from './strategy.js';
import { trainableNames } from './weights-math.js';

const dpFedavgOptions = z.strictObject({
  /** Fixed clip norm C, or the initial one with adaptive clipping. */
  clipNorm: numberOption(1, { gt: 0 }),
  /** z: overall noise multiplier (noise std / C on the sum of clipped deltas). */
  noiseMultiplier: numberOption(1, { min: 0 }),
  /** Server learning rate on the noisy mean delta. */
  serverLr: numberOption(1, { gt: 0 }),
  /** Adaptive clipping (Andrew et al. 2021): C follows the targetQuantile of the delta norms. */
  adaptive: z.boolean().default(false),
  targetQuantile: numberOption(0.5, { min: 0, max: 1 }),
  clipLearningRate: numberOption(0.2, { gt: 0 }),
  /** sigma_b: std of the noise on the count of unclipped updates; 0 means replies / 20. */
  clipCountStddev: numberOption(0, { min: 0 }),
});
export type DpFedavgOptions = z.output<typeof dpFedavgOptions>;

const BIT_KEY = 'dp-fedavg.unclipped';
const CLIP_KEY = 'dp-fedavg.clip';

function clipTensor(c: number): Weights {
  return new Map([['clipNorm', { shape: [1], data: Float32Array.of(c) }]]);
}

function uniformMean(values: readonly Float32Array[]): Float64Array {
  const out = new Float64Array(values[0].length);
  for (const v of values) for (let i = 0; i < v.length; i++) out[i] += v[i] / values.length;
  return out;
}

/** The site's unclipped bit from its extra tensors; without one the server computes it from the delta norm. */
function reportedBit(reply: FitReply, norm: number, clipNorm: number): number {
  const bit = reply.extra[BIT_KEY]?.get('bit')?.data[0];
  if (bit === undefined) return norm <= clipNorm ? 1 : 0;
  if (bit !== 0 && bit !== 1) {
    throw new MedfedError(ErrorCodes.SITE_FAILURE, `dp-fedavg: site "${reply.siteId}" sent an unclipped bit of ${bit}; expected 0 or 1`, { where: `site "${reply.siteId}": extra["${BIT_KEY}"]` });
  }
  return bit;
}

/**
 * The server half: clips every site's delta (trainable tensors) to C, takes the uniform mean, adds
 * N(0, (sigma C / n)^2) per value and moves the global model by serverLr times that mean.
 * Non-trainable tensors (batch-norm running statistics) would be released without noise, so a
 * model with them is refused when noiseMultiplier > 0; without noise (no privacy, tests) they
 * get the uniform mean. With adaptive clipping the noise
 * multiplier of the delta is raised to (z^-2 - (2 sigma_b)^-2)^(-1/2) and C is updated from the
 * noisy fraction of unclipped updates. `uniform` replaces the CSPRNG in tests.
 */
export function dpFedavgServer(options: DpFedavgOptions, layout: ModelLayout, uniform?: UniformSource): ServerStrategy {
  const normal = gaussianSource(uniform);
  const names = trainableNames(layout);
  const untrainable = layout.params.find((p) => !p.trainable);
  if (untrainable && options.noiseMultiplier > 0) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `dp-fedavg cannot protect the non-trainable tensor "${untrainable.name}" (batch-norm statistics): it would be released without noise`, {
      where: 'models.layers (batchNorm)',
      hint: 'remove the batchNorm layers from a model trained with differential privacy',
    });
  }
  let clipNorm = options.clipNorm;
  return {
    name: 'dp-fedavg',
    configureFit: () => ({ config: { 'dp-fedavg.clipNorm': clipNorm }, extra: {} }),
    aggregateFit: (_ctx, global: Weights, replies) => {
      const sorted = checkReplies('dp-fedavg', global, replies);
      const deltas = sorted.map((r) =>
        names.map((n) => {
          const g = global.get(n)!.data;
          const w = r.weights.get(n)!.data;
          return Float64Array.from(w, (v, i) => v - g[i]);
        }),
      );
      const countStd = options.clipCountStddev > 0 ? options.clipCountStddev : sorted.length / 20;
      const sigma = options.adaptive && options.noiseMultiplier > 0 ? updateNoiseMultiplier(options.noiseMultiplier, countStd) : options.noiseMultiplier;
      const { mean, norms } = privateMeanOfDeltas(deltas, clipNorm, sigma, normal);
      const out = new Map<string, Tensor>();
      for (const [n, t] of global) {
        const k = names.indexOf(n);
        const data = Float32Array.from(t.data);
        if (k >= 0) for (let i = 0; i < data.length; i++) data[i] = t.data[i] + options.serverLr * mean[k][i];
        else data.set(uniformMean(sorted.map((r) => r.weights.get(n)!.data)));
        out.set(n, { shape: [...t.shape], data });
      }
      if (options.adaptive) {
        const bits = sorted.map((r, i) => reportedBit(r, norms[i], clipNorm));
        clipNorm = nextClipNorm(clipNorm, bits, { targetQuantile: options.targetQuantile, learningRate: options.clipLearningRate, countStd: options.noiseMultiplier > 0 ? countStd : 0 }, normal).clipNorm;
      }
      return out;
    },
    exportState: () => ({ [CLIP_KEY]: clipTensor(clipNorm) }),
    importState: (state) => {
      clipNorm = readState('dp-fedavg', state, { [CLIP_KEY]: clipTensor(clipNorm) })[CLIP_KEY].get('clipNorm')!.data[0];
    },
  };
}

/** The site half: trains as configured and reports whether its delta fits under the round's clip norm. */
function dpFedavgSite(): SiteStrategy {
  return {
    beforeTrain: (ctx) => ({ start: ctx.global, options: ctx.baseOptions }),
    afterTrain: (ctx, trained) => {
      const c = Number(ctx.directive.config['dp-fedavg.clipNorm']);
      let sq = 0;
      for (const n of trainableNames(ctx.layout)) {
        const g = ctx.global.get(n)!.data;
        const w = trained.get(n)!.data;
        for (let i = 0; i < w.length; i++) sq += (w[i] - g[i]) ** 2;
      }
      const bit = Number.isFinite(c) && Math.sqrt(sq) <= c ? 1 : 0;
      return { [BIT_KEY]: new Map([['bit', { shape: [1], data: Float32Array.of(bit) }]]) };
    },
    personalize: (ctx) => ctx.global,
  };
}

/** DP-FedAvg (McMahan et al. 2018) with fixed or adaptive clipping (Andrew et al. 2021); client-level DP with a trusted server. */
export const dpFedavg: StrategyPlugin<typeof dpFedavgOptions> = {
  name: 'dp-fedavg',
  description: 'Client-level DP-FedAvg: clip each site\'s delta, uniform mean plus Gaussian noise; fixed or adaptive clipping (McMahan et al. 2018; Andrew et al. 2021)',
  schema: dpFedavgOptions,
  createServer: (options, layout) => dpFedavgServer(options, layout),
  createSite: () => dpFedavgSite(),
};
