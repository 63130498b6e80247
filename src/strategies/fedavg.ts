import { z } from 'zod';
import { averagingServer } from './averaging-server.js';
import { plainSite } from './plain-site.js';
import type { StrategyPlugin } from './strategy.js';

const fedavgOptions = z.strictObject({});

/** FedAvg (McMahan et al. 2017): the new global model is the example-weighted mean of the sites' models. */
export const fedavg: StrategyPlugin<typeof fedavgOptions> = {
  name: 'fedavg',
  description: 'Federated averaging: example-weighted mean of the sites\' weights, batch-norm statistics included (McMahan et al. 2017)',
  schema: fedavgOptions,
  createServer: () => averagingServer('fedavg'),
  createSite: () => plainSite(),
};
