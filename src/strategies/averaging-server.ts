import type { Tensor, Weights } from '../core/tensors.js';
import { weightedMean } from './aggregators/weighted-mean.js';
import { checkReplies, toUpdates } from './replies.js';
import { readState } from './server-state.js';
import type { FitDirective, FitReply, ServerStrategy } from './strategy.js';

/** Example-weighted mean of the replies' full weights (trainable tensors and batch-norm statistics alike). */
export function averageReplies(strategy: string, global: Weights, replies: readonly FitReply[]): Map<string, Tensor> {
  return weightedMean(toUpdates(checkReplies(strategy, global, replies), 'examples'));
}

/**
 * A stateless server half: sends `config` to every site and replaces the global model by the
 * example-weighted mean of the replies, optionally adjusted by `finish` (FedBN keeps layers).
 */
export function averagingServer(
  name: string,
  config: FitDirective['config'] = {},
  finish: (global: Weights, mean: Map<string, Tensor>) => Map<string, Tensor> = (_g, mean) => mean,
): ServerStrategy {
  return {
    name,
    configureFit: () => ({ config: { ...config }, extra: {} }),
    aggregateFit: (_ctx, global, replies) => finish(global, averageReplies(name, global, replies)),
    exportState: () => ({}),
    importState: (state) => {
      readState(name, state, {});
    },
  };
}
