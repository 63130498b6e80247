import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { cloneWeights, type Tensor } from '../core/tensors.js';
import { checkReplies, checkTensors } from './replies.js';
import { copyState } from './server-state.js';
import type { StrategyPlugin } from './strategy.js';
import { filledTensors } from './weights-math.js';

const localOnlyOptions = z.strictObject({});
const OWN = 'local-only.model';
const PREFIX = 'local.';

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
  createServer: (_options, layout) => {
    let models = new Map<string, Map<string, Tensor>>();
    const reference = filledTensors(layout, layout.params.map((p) => p.name), 0);
    return {
      name: 'local-only',
      configureFit: () => ({ config: {}, extra: {} }),
      aggregateFit: (_ctx, global, replies) => {
        const sorted = checkReplies('local-only', global, replies);
        for (const r of sorted) models.set(r.siteId, cloneWeights(r.weights));
        return cloneWeights(global);
      },
      exportState: () => copyState(Object.fromEntries([...models].map(([id, w]) => [`${PREFIX}${id}`, w]))),
      importState: (state) => {
        const next = new Map<string, Map<string, Tensor>>();
        for (const [k, w] of Object.entries(state)) {
          if (!k.startsWith(PREFIX)) {
            throw new MedfedError(ErrorCodes.FORMAT_INVALID, `local-only: checkpointed strategy state has key "${k}"; expected only "${PREFIX}<siteId>" keys`, {
              where: 'checkpoint strategy state',
              hint: 'resume with the same strategy the checkpoint was written by',
            });
          }
          checkTensors('local-only', 'the checkpoint', `state["${k}"]`, reference, w);
          next.set(k.slice(PREFIX.length), cloneWeights(w));
        }
        models = next;
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
