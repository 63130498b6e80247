import { z } from 'zod';
import { cloneWeights, type Tensor, type Weights } from '../core/tensors.js';
import type { StrategyPlugin } from './strategy.js';

const localOnlyOptions = z.strictObject({});
const OWN = 'local-only.model';

/**
 * The local-only baseline every FL paper reports: each site trains its own model on its own data
 * for the same rounds and epochs, with no aggregation. The server does not combine anything; it
 * keeps each site's latest model in its state (`local.<siteId>`) so the harness can evaluate them.
 * Each site starts from the same initial weights and continues from its own model after that.
 */
export const localOnly: StrategyPlugin<typeof localOnlyOptions> = {
  name: 'local-only',
  description: 'Baseline: every site trains alone on its own data; nothing is aggregated',
  schema: localOnlyOptions,
  createServer: () => {
    const models = new Map<string, Map<string, Tensor>>();
    return {
      name: 'local-only',
      configureFit: () => ({ config: {}, extra: {} }),
      aggregateFit: (_ctx, global, replies) => {
        for (const r of replies) models.set(r.siteId, cloneWeights(r.weights));
        return cloneWeights(global);
      },
      exportState: () => Object.fromEntries([...models].map(([id, w]) => [`local.${id}`, w as Weights])),
      importState: (state) => {
        models.clear();
        for (const [k, w] of Object.entries(state)) if (k.startsWith('local.')) models.set(k.slice(6), cloneWeights(w));
      },
    };
  },
  createSite: () => ({
    beforeTrain: (ctx) => ({ start: ctx.state.get(OWN) ?? ctx.global, options: ctx.baseOptions }),
    afterTrain: (ctx, trained) => {
      ctx.state.set(OWN, cloneWeights(trained));
      return {};
    },
    personalize: (ctx) => ctx.state.get(OWN) ?? ctx.global,
  }),
};
