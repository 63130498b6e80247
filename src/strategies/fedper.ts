import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { ModelLayout } from '../core/model-params.js';
import { cloneWeights, type Weights } from '../core/tensors.js';
import { averagingServer } from './averaging-server.js';
import { checkTensors } from './replies.js';
import type { SiteState, SiteStrategy, StrategyPlugin } from './strategy.js';
import { overlayTensors, pickTensors } from './weights-math.js';

const fedperOptions = z.strictObject({
  /**
   * The layers each site keeps private: "last" (the last layer with parameters: the task head),
   * or comma-separated layer paths as in the weight names ("4", "3,4", "2.layers.1").
   */
  personalLayers: z.string().min(1).default('last'),
  /**
   * Local adaptation: each site evaluates (and keeps as its model) the whole model as its own
   * latest local training left it — the federated trunk fine-tuned on the site's data for that
   * round's local epochs, with its private layers — instead of the freshly averaged trunk under a
   * head trained against another trunk. What the site sends is unchanged.
   */
  localAdaptation: z.boolean().default(false),
});

/** SiteState key of the site's private head. */
export const FEDPER_LOCAL = 'fedper.personal';
/** SiteState key of the site's whole model after its latest local training (localAdaptation). */
export const FEDPER_ADAPTED = 'fedper.adapted';

/** The parameter names of the personal layers, or CONFIG_INVALID naming the unknown layer. */
export function personalParamNames(layout: ModelLayout, personalLayers: string): string[] {
  const paths = [...new Set(layout.params.map((p) => p.layerPath))];
  const wanted = personalLayers === 'last' ? [paths[paths.length - 1]] : personalLayers.split(',').map((s) => s.trim());
  for (const w of wanted) {
    if (!paths.includes(w)) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `fedper: personalLayers names layer "${w}", which has no parameters in this model`, {
        where: 'strategies.fedper.options.personalLayers',
        hint: `use "last" or layer paths with parameters: ${paths.join(', ')}`,
      });
    }
  }
  return layout.params.filter((p) => wanted.includes(p.layerPath)).map((p) => p.name);
}

/**
 * FedPer (Arivazhagan et al. 2019), the MELLODDY pattern: a shared trunk is averaged as in FedAvg
 * while the personal layers (the task head) stay at each site. The site trains trunk + its own
 * head, keeps the head in its state, and replies with the head replaced by the global values it
 * received — so the coordinator never sees a trained head. The server averages every other
 * tensor and keeps the head at its initial values; each site evaluates with its own head.
 */
export const fedper: StrategyPlugin<typeof fedperOptions> = {
  name: 'fedper',
  personalized: true,
  description: 'Shared trunk averaged as in FedAvg; the personal layers (task head) never leave the site (Arivazhagan et al. 2019; MELLODDY)',
  schema: fedperOptions,
  createServer: (options, layout) => {
    const personal = personalParamNames(layout, options.personalLayers);
    return averagingServer('fedper', {}, (global, mean) => overlayTensors(mean, pickTensors(global, personal)));
  },
  createSite: (options) => fedperSite(options.personalLayers, options.localAdaptation),
};

function fedperSite(personalLayers: string, localAdaptation: boolean): SiteStrategy {
  const withHead = (layout: ModelLayout, global: Weights, state: SiteState): Weights => {
    const own = state.get(FEDPER_LOCAL);
    if (!own) return global;
    checkTensors('fedper', 'this site', 'stored personal layers', pickTensors(global, personalParamNames(layout, personalLayers)), own);
    return overlayTensors(global, own);
  };
  return {
    beforeTrain: (ctx) => ({ start: withHead(ctx.layout, ctx.global, ctx.state), options: ctx.baseOptions }),
    afterTrain: (ctx, trained) => {
      const names = personalParamNames(ctx.layout, personalLayers);
      ctx.state.set(FEDPER_LOCAL, cloneWeights(pickTensors(trained, names)));
      if (localAdaptation) ctx.state.set(FEDPER_ADAPTED, cloneWeights(trained));
      return {};
    },
    personalize: (ctx) => (localAdaptation ? ctx.state.get(FEDPER_ADAPTED) : undefined) ?? withHead(ctx.layout, ctx.global, ctx.state),
    outgoing: (ctx, trained) => overlayTensors(trained, pickTensors(ctx.global, personalParamNames(ctx.layout, personalLayers))),
  };
}
