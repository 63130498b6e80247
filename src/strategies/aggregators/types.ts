import type { Tensor, Weights } from '../../core/tensors.js';

/** One site's contribution to an aggregate: its tensors and a non-negative weight (e.g. its example count). */
export interface WeightedUpdate {
  readonly weights: Weights;
  readonly weight: number;
}

/**
 * A pure aggregation rule: updates in, one set of tensors (same names and shapes) out. No state,
 * no I/O, inputs never mutated. Strategies validate replies first and name the site at fault;
 * aggregators re-check their own preconditions and name the update index.
 */
export type Aggregator = (updates: readonly WeightedUpdate[]) => Map<string, Tensor>;
