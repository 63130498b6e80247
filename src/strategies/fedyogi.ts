import { fedoptOptions, fedoptServer, secondMoments } from './fedopt-server.js';
import { plainSite } from './plain-site.js';
import type { StrategyPlugin } from './strategy.js';

const fedyogiOptions = fedoptOptions(0.01);

/** FedYogi (Reddi et al. 2021): sites train as in FedAvg; the server treats mean(y_i) − x as a pseudo-gradient. */
export const fedyogi: StrategyPlugin<typeof fedyogiOptions> = {
  name: 'fedyogi',
  description: 'Yogi on the server: v ← v − (1−β2)·Δ²·sign(v − Δ²), applied to the pseudo-gradient mean(y_i) − x (Reddi et al. 2021)',
  schema: fedyogiOptions,
  createServer: (options, layout) => fedoptServer('fedyogi', options, layout, secondMoments.yogi),
  createSite: () => plainSite(),
};
