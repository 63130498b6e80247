import type { z } from 'zod';
import type { Rng } from '../../core/random.js';
import type { Tensor, Weights } from '../../core/tensors.js';

/** What a site is about to send: its trained weights, the global weights it started from, its example count. */
export interface FilterInput {
  readonly weights: Weights;
  readonly global: Weights;
  readonly numExamples: number;
}

/** A filter's entry in the update's metadata and the site's audit trail (JSON-safe). */
export interface FilterRecord {
  /** Registered filter name, e.g. "norm-clip". */
  readonly filter: string;
  /** The filter's options after defaults. */
  readonly options: Readonly<Record<string, FilterOptionValue>>;
  /** What it measurably did, e.g. { normBefore: 3.2, normAfter: 1, clipped: 1 }. */
  readonly effect: Readonly<Record<string, number>>;
}

export type FilterOptionValue = number | string | boolean | readonly string[];

export interface FilterContext {
  /** Randomness for filters that draw (stochastic rounding); without it they derive one from their seed option and the round. */
  readonly rng?: Rng;
  readonly round?: number;
}

/**
 * A site-owned filter on what leaves the site. It works on the delta y − x between the trained
 * weights y and the global weights x and returns full weights x + filtered delta (values it
 * leaves alone are y's exact float32 values; values it zeroes are x's), with its record. Pure:
 * inputs are never modified.
 */
export interface UpdateFilter {
  readonly name: string;
  apply(update: FilterInput, ctx: FilterContext): { weights: Map<string, Tensor>; record: FilterRecord };
}

/** A filter kind registered by name with the zod schema of its options. */
export interface FilterPlugin<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly schema: S;
  create(options: z.output<S>): UpdateFilter;
}
