import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { averagingServer } from './averaging-server.js';
import { numberOption } from './option-schemas.js';
import type { FitDirective, SiteStrategy, StrategyPlugin } from './strategy.js';

const fedproxOptions = z.strictObject({
  /** Weight of the proximal term mu/2·||w − w_global||² (0 is FedAvg). */
  mu: numberOption(0.01, { min: 0 }),
});
type FedProxOptions = z.infer<typeof fedproxOptions>;

/** The directive key carrying mu from the server to the sites. */
export const FEDPROX_MU = 'fedprox.mu';

/**
 * FedProx (Li et al. 2020): the server averages like FedAvg; each site adds mu/2·||w − w_global||²
 * to its local loss (the trainer implements the term from TrainOptions.proximal).
 */
export const fedprox: StrategyPlugin<typeof fedproxOptions> = {
  name: 'fedprox',
  description: 'FedAvg with a proximal term mu/2·||w − w_global||² in every site\'s local loss (Li et al. 2020)',
  schema: fedproxOptions,
  createServer: (options) => averagingServer('fedprox', { [FEDPROX_MU]: options.mu }),
  createSite: (options) => fedproxSite(options),
};

function fedproxSite(options: FedProxOptions): SiteStrategy {
  return {
    beforeTrain: (ctx) => ({
      start: ctx.global,
      options: { ...ctx.baseOptions, proximal: { mu: directiveMu(ctx.directive, options.mu), anchor: ctx.global } },
    }),
    afterTrain: () => ({}),
    personalize: (ctx) => ctx.global,
  };
}

/** The server's mu wins when it sent one (it configures the job); else the site's own option. */
function directiveMu(directive: FitDirective, fallback: number): number {
  const mu = directive.config[FEDPROX_MU];
  if (mu === undefined) return fallback;
  if (typeof mu !== 'number' || !Number.isFinite(mu) || mu < 0) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `fedprox: the server sent ${FEDPROX_MU} = ${String(mu)}; expected number >= 0`, {
      where: `directive.config["${FEDPROX_MU}"]`,
    });
  }
  return mu;
}
