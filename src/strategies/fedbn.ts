import { z } from 'zod';
import { normalizationParamNames, type ModelLayout } from '../core/model-params.js';
import type { Weights } from '../core/tensors.js';
import { averagingServer } from './averaging-server.js';
import { checkTensors } from './replies.js';
import type { SiteState, SiteStrategy, StrategyPlugin } from './strategy.js';
import { overlayTensors, pickTensors } from './weights-math.js';

const fedbnOptions = z.strictObject({});

/** SiteState key of the site's own normalisation tensors. */
export const FEDBN_LOCAL = 'fedbn.normalization';

/**
 * FedBN (Li et al. 2021): normalisation layers stay local. The server averages every other tensor
 * and keeps the previous global values of the normalisation tensors; each site trains and
 * evaluates with its own normalisation tensors overlaid on the global model.
 */
export const fedbn: StrategyPlugin<typeof fedbnOptions> = {
  name: 'fedbn',
  personalized: true,
  description: 'FedAvg except normalisation layers, which each site keeps local for training and evaluation (Li et al. 2021)',
  schema: fedbnOptions,
  createServer: (_options, layout) => {
    const local = normalizationParamNames(layout);
    return averagingServer('fedbn', {}, (global, mean) => overlayTensors(mean, pickTensors(global, local)));
  },
  createSite: () => fedbnSite(),
};

function fedbnSite(): SiteStrategy {
  return {
    beforeTrain: (ctx) => ({ start: withLocalNormalization(ctx.layout, ctx.global, ctx.state), options: ctx.baseOptions }),
    afterTrain: (ctx, trained) => {
      const names = normalizationParamNames(ctx.layout);
      const kept = pickTensors(trained, names);
      checkTensors('fedbn', 'this site', 'trained weights', pickTensors(ctx.global, names), kept);
      ctx.state.set(FEDBN_LOCAL, new Map([...kept].map(([n, t]) => [n, { shape: [...t.shape], data: new Float32Array(t.data) }])));
      return {};
    },
    personalize: (ctx) => withLocalNormalization(ctx.layout, ctx.global, ctx.state),
  };
}

/** The global weights with this site's normalisation tensors overlaid (the global ones before its first round). */
function withLocalNormalization(layout: ModelLayout, global: Weights, state: SiteState): Weights {
  const local = state.get(FEDBN_LOCAL);
  if (!local) return global;
  checkTensors('fedbn', 'this site', 'stored normalisation tensors', pickTensors(global, normalizationParamNames(layout)), local);
  return overlayTensors(global, local);
}
