import type { SiteStrategy } from './strategy.js';

/** The site half of strategies that change nothing locally: start from the global weights, train as configured. */
export function plainSite(): SiteStrategy {
  return {
    beforeTrain: (ctx) => ({ start: ctx.global, options: ctx.baseOptions }),
    afterTrain: () => ({}),
    personalize: (ctx) => ctx.global,
  };
}
