import { fedoptOptions, fedoptServer, secondMoments } from './fedopt-server.js';
import { plainSite } from './plain-site.js';
import type { StrategyPlugin } from './strategy.js';

const fedadagradOptions = fedoptOptions(0.1);

/** FedAdagrad (Reddi et al. 2021): sites train as in FedAvg; the server treats mean(y_i) − x as a pseudo-gradient. */
export const fedadagrad: StrategyPlugin<typeof fedadagradOptions> = {
  name: 'fedadagrad',
  description: 'Adagrad on the server: v ← v + Δ², applied to the pseudo-gradient mean(y_i) − x (Reddi et al. 2021)',
  schema: fedadagradOptions,
  createServer: (options, layout) => fedoptServer('fedadagrad', options, layout, secondMoments.adagrad),
  createSite: () => plainSite(),
};
