import type { Weights } from '../core/tensors.js';
import type { Aggregator } from './aggregators/types.js';
import { checkReplies, toUpdates, type ReplyWeighting } from './replies.js';
import { readState } from './server-state.js';
import type { RoundContext, ServerStrategy } from './strategy.js';

export interface RobustServerChecks {
  /** Throws CONFIG_INVALID when the federation (ctx.totalSites) is too small for the options. */
  readonly federation?: (ctx: RoundContext) => void;
  /** Throws QUORUM_NOT_MET when a round's reply count is too small for the options. */
  readonly round?: (replies: number) => void;
}

/**
 * A stateless server half that replaces the global model by a robust rule over the replies' full
 * weights (every tensor, batch-norm statistics included), weighted equally or by example counts.
 * Replies are validated and sorted by site first; the rule gets the global model as context.
 */
export function robustServer(name: string, aggregate: Aggregator, weighting: ReplyWeighting, checks: RobustServerChecks = {}): ServerStrategy {
  return {
    name,
    configureFit: (ctx) => {
      checks.federation?.(ctx);
      return { config: {}, extra: {} };
    },
    aggregateFit: (_ctx, global: Weights, replies) => {
      const sorted = checkReplies(name, global, replies);
      checks.round?.(sorted.length);
      return aggregate(toUpdates(sorted, weighting), { global });
    },
    exportState: () => ({}),
    importState: (state) => {
      readState(name, state, {});
    },
  };
}
