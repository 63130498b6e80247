import type { ModelLayout } from '../core/model-params.js';
import type { Tensor } from '../core/tensors.js';
import { weightedMean } from './aggregators/weighted-mean.js';
import { checkReplies, replyExtra, toUpdates } from './replies.js';
import type { ScaffoldOptions } from './scaffold.js';
import { SCAFFOLD_C, SCAFFOLD_DELTA_C } from './scaffold-keys.js';
import { copyState, readState } from './server-state.js';
import type { ServerStrategy } from './strategy.js';
import { filledTensors, overlayTensors, pickTensors, trainableNames, zip2 } from './weights-math.js';

/**
 * SCAFFOLD's server half: x ← x + η_g·mean(y_i − x) on trainable tensors (batch-norm statistics
 * take the plain mean), c ← c + (|S|/N)·mean(Δc_i), with N the federation's size.
 */
export function scaffoldServer(o: ScaffoldOptions, layout: ModelLayout): ServerStrategy {
  const name = 'scaffold';
  const names = trainableNames(layout);
  let c: Map<string, Tensor> = filledTensors(layout, names, 0);
  return {
    name,
    configureFit: () => ({ config: {}, extra: { [SCAFFOLD_C]: c } }),
    aggregateFit: (ctx, global, replies) => {
      const sorted = checkReplies(name, global, replies);
      const deltas = new Map(sorted.map((r) => [r.siteId, replyExtra(name, r, SCAFFOLD_DELTA_C, c)]));
      const meanY = weightedMean(toUpdates(sorted, o.weighting));
      const meanDeltaC = weightedMean(toUpdates(sorted, o.weighting, (r) => deltas.get(r.siteId)!));
      const x = pickTensors(global, names);
      const stepped = zip2(x, pickTensors(meanY, names), (xi, yi) => xi + o.globalLr * (yi - xi));
      const fraction = sorted.length / Math.max(ctx.totalSites, sorted.length);
      c = zip2(c, meanDeltaC, (ci, d) => ci + fraction * d);
      return overlayTensors(meanY, stepped);
    },
    exportState: () => copyState({ [SCAFFOLD_C]: c }),
    importState: (state) => {
      c = readState(name, state, { [SCAFFOLD_C]: filledTensors(layout, names, 0) })[SCAFFOLD_C];
    },
  };
}
