import { z } from 'zod';
import { choiceOption, numberOption } from './option-schemas.js';
import { scaffoldServer } from './scaffold-server.js';
import { scaffoldSite } from './scaffold-site.js';
import type { StrategyPlugin } from './strategy.js';

const scaffoldOptions = z.strictObject({
  /** Server learning rate η_g: x ← x + η_g·mean(y_i − x). */
  globalLr: numberOption(1, { gt: 0 }),
  /** Mean over replies weighted by example counts (the FedAvg objective) or uniform (the paper's). */
  weighting: choiceOption(['examples', 'uniform'] as const, 'examples'),
});
export type ScaffoldOptions = z.infer<typeof scaffoldOptions>;

/**
 * SCAFFOLD (Karimireddy et al. 2020), option II control variates: local gradients are corrected
 * by c − c_i so heterogeneous sites stop drifting toward their own optimum. Local training must
 * use plain SGD (its learning rate enters the control-variate update).
 */
export const scaffold: StrategyPlugin<typeof scaffoldOptions> = {
  name: 'scaffold',
  description: 'Control variates c (server) and c_i (site) correct client drift; needs plain SGD locally (Karimireddy et al. 2020)',
  schema: scaffoldOptions,
  createServer: (options, layout) => scaffoldServer(options, layout),
  createSite: () => scaffoldSite(),
};
