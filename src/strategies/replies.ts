import { ErrorCodes, MedfedError } from '../core/errors.js';
import { sameShape, type Weights } from '../core/tensors.js';
import type { WeightedUpdate } from './aggregators/types.js';
import type { FitReply } from './strategy.js';

/** How replies are weighted in a mean: by their example counts (FedAvg) or equally (the SCAFFOLD paper). */
export type ReplyWeighting = 'examples' | 'uniform';

/**
 * Validate a round's replies before any state changes and return them sorted by siteId (so the
 * aggregate never depends on arrival order). Rejects an empty list, repeated sites, replies
 * without examples, and weights whose names, shapes or values do not fit the global model.
 */
export function checkReplies(strategy: string, global: Weights, replies: readonly FitReply[]): FitReply[] {
  if (replies.length === 0) {
    throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `${strategy}: no site replies to aggregate`, {
      hint: 'a round needs at least one reply; check the round quorum and why the sampled sites failed',
    });
  }
  const sorted = [...replies].sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
  sorted.forEach((r, i) => {
    if (i > 0 && sorted[i - 1].siteId === r.siteId) {
      throw new MedfedError(ErrorCodes.SITE_FAILURE, `${strategy}: site "${r.siteId}" replied more than once in one round`, { where: `site "${r.siteId}"` });
    }
    if (!Number.isInteger(r.numExamples) || r.numExamples <= 0) {
      throw new MedfedError(
        ErrorCodes.SITE_FAILURE,
        `${strategy}: site "${r.siteId}" replied with ${r.numExamples} training examples; a reply needs at least 1`,
        { where: `site "${r.siteId}"`, hint: 'exclude sites without training data from sampling, or check the site data' },
      );
    }
    checkTensors(strategy, `site "${r.siteId}"`, 'weights', global, r.weights);
  });
  return sorted;
}

/** The strategy-owned extra tensors `key` of a reply, checked against `reference` (names, shapes, finite). */
export function replyExtra(strategy: string, reply: FitReply, key: string, reference: Weights): Weights {
  const w = reply.extra[key];
  if (!w) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${strategy}: reply from site "${reply.siteId}" lacks the extra tensors "${key}"`, {
      where: `site "${reply.siteId}": extra["${key}"]`,
      hint: `the site must run the "${strategy}" site half`,
    });
  }
  checkTensors(strategy, `site "${reply.siteId}"`, `extra["${key}"]`, reference, w);
  return w;
}

/** Throws SHAPE_MISMATCH (or NUMERIC_DIVERGENCE) naming the source (`site "a"`) and the tensor. */
export function checkTensors(strategy: string, from: string, what: string, reference: Weights, w: Weights): void {
  const at = (name: string) => `${from}: ${what}["${name}"]`;
  for (const [name, t] of reference) {
    const u = w.get(name);
    if (!u) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${strategy}: ${what} from ${from} lacks tensor "${name}"`, { where: at(name) });
    }
    if (!sameShape(t.shape, u.shape) || u.data.length !== t.data.length) {
      throw new MedfedError(
        ErrorCodes.SHAPE_MISMATCH,
        `${strategy}: ${what} from ${from}: tensor "${name}" has shape [${u.shape.join(', ')}], expected [${t.shape.join(', ')}]`,
        { where: at(name), hint: 'every site must train the job\'s model spec' },
      );
    }
    for (let i = 0; i < u.data.length; i++) {
      if (!Number.isFinite(u.data[i])) {
        throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `${strategy}: ${what} from ${from}: tensor "${name}" holds ${u.data[i]} at index ${i}`, {
          where: at(name),
          hint: 'local training diverged at that site; lower its learning rate',
        });
      }
    }
  }
  for (const name of w.keys()) {
    if (!reference.has(name)) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${strategy}: ${what} from ${from} has unexpected tensor "${name}"`, { where: at(name) });
    }
  }
}

/** Each reply's tensors (chosen by `pick`) with its weight in a mean. */
export function toUpdates(replies: readonly FitReply[], weighting: ReplyWeighting, pick: (r: FitReply) => Weights = (r) => r.weights): WeightedUpdate[] {
  return replies.map((r) => ({ weights: pick(r), weight: weighting === 'examples' ? r.numExamples : 1 }));
}
