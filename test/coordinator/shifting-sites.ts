import { packWeights, unpackWeights } from '../../src/core/codec.js';
import type { SiteReply, SiteRequest } from '../../src/core/messages.js';
import { modelLayout } from '../../src/core/model-params.js';
import { tensor, type Weights } from '../../src/core/tensors.js';

/**
 * Sites whose "training" moves every weight by a known amount (site i: +0.01·(i+1), with
 * 10·(i+1) examples), so the example-weighted mean update of a protected round is known exactly.
 */
export const layout = modelLayout({ inputShape: [3], layers: [{ type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' });
export const shift = (i: number) => 0.01 * (i + 1);
export const examples = (i: number) => 10 * (i + 1);

export function plus(w: Weights, d: number): Map<string, ReturnType<typeof tensor>> {
  return new Map([...w].map(([k, t]) => [k, tensor(t.shape, t.data.map((v) => v + d))]));
}

/** Site i's answer to a fit request: the global weights + shift(i), from examples(i) examples; end-job acknowledged. */
export function shiftingTrainer(siteId: string, i: number): (req: SiteRequest) => Promise<SiteReply> {
  return async (req) => {
    if (req.kind === 'end-job') return { kind: 'end-job', siteId };
    if (req.kind !== 'fit') throw new Error(`unexpected ${req.kind}`);
    const global = unpackWeights(req.weights);
    return { kind: 'fit', siteId, round: req.round, weights: packWeights(plus(global, shift(i))), numExamples: examples(i), steps: 1, extra: {}, metrics: { loss: 1 } };
  };
}
