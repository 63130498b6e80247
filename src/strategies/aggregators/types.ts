import type { Tensor, Weights } from '../../core/tensors.js';

/** One site's contribution to an aggregate: its tensors and a non-negative weight (e.g. its example count). */
export interface WeightedUpdate {
  readonly weights: Weights;
  readonly weight: number;
}

/** What some rules need besides the updates (norm bounding clips each update's delta from the global model). */
export interface AggregationContext {
  /** The global model the updates were trained from (same names and shapes as the updates). */
  readonly global?: Weights;
}

/**
 * A pure aggregation rule: updates in, one set of tensors (same names and shapes) out. No state,
 * no I/O, inputs never mutated. Strategies validate replies first and name the site at fault;
 * aggregators re-check their own preconditions and name the update index. Rules that work on
 * deltas read `context.global` and reject a call without it.
 */
export type Aggregator = (updates: readonly WeightedUpdate[], context?: AggregationContext) => Map<string, Tensor>;
