import { fedoptOptions, fedoptServer, secondMoments } from './fedopt-server.js';
import { plainSite } from './plain-site.js';
import type { StrategyPlugin } from './strategy.js';

const fedadamOptions = fedoptOptions(0.01);

/** FedAdam (Reddi et al. 2021): sites train as in FedAvg; the server treats mean(y_i) − x as a pseudo-gradient. */
export const fedadam: StrategyPlugin<typeof fedadamOptions> = {
  name: 'fedadam',
  description: 'Adam on the server: v ← β2·v + (1−β2)·Δ², applied to the pseudo-gradient mean(y_i) − x (Reddi et al. 2021)',
  schema: fedadamOptions,
  createServer: (options, layout) => fedoptServer('fedadam', options, layout, secondMoments.adam),
  createSite: () => plainSite(),
};
