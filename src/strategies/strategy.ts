import type { z } from 'zod';
import type { ModelLayout } from '../core/model-params.js';
import type { Tensor, Weights } from '../core/tensors.js';
import type { TrainOptions } from '../engine/engine.js';

/**
 * A federated strategy is a plug-in with two halves (Flower's message-API shape):
 * - the server half configures each round and aggregates the replies (pure, no I/O);
 * - the site half adjusts local training (FedProx's proximal term, SCAFFOLD's correction,
 *   FedBN's local normalisation layers) and may attach extra tensors to the reply.
 * The round loop (coordinator) does all I/O and never branches on the strategy's name.
 */

/** What a site sends back after local training. */
export interface FitReply {
  readonly siteId: string;
  /** The site's model after local training (full weights, not a delta). */
  readonly weights: Weights;
  readonly numExamples: number;
  /** Optimizer steps the site took this round. */
  readonly steps: number;
  /** Strategy-specific tensors keyed by a strategy-owned name (e.g. "scaffold.delta_c"). */
  readonly extra: Readonly<Record<string, Weights>>;
  readonly metrics: Readonly<Record<string, number>>;
}

/** What the server sends to each sampled site with the global weights. */
export interface FitDirective {
  /** Strategy-specific scalars for the site half (e.g. { proximalMu: 0.01 }). */
  readonly config: Readonly<Record<string, number | string | boolean>>;
  /** Strategy-specific tensors for the site half (e.g. "scaffold.c"). */
  readonly extra: Readonly<Record<string, Weights>>;
}

export interface RoundContext {
  readonly round: number;
  /** Number of sites in the federation (sampled or not). */
  readonly totalSites: number;
  readonly layout: ModelLayout;
}

export interface ServerStrategy {
  readonly name: string;
  /** Directive sent with the global weights to every site sampled this round. */
  configureFit(ctx: RoundContext, global: Weights): FitDirective;
  /** New global weights from the replies (replies are sorted by siteId; at least one). */
  aggregateFit(ctx: RoundContext, global: Weights, replies: readonly FitReply[]): Map<string, Tensor>;
  /** Server state to checkpoint (optimizer moments, control variates), and to restore it. */
  exportState(): Record<string, Weights>;
  importState(state: Record<string, Weights>): void;
}

/** Persistent per-site, per-job state kept at the site between rounds (never sent as such). */
export type SiteState = Map<string, Weights>;

export interface SiteFitContext {
  readonly round: number;
  readonly layout: ModelLayout;
  /** The global weights as received. */
  readonly global: Weights;
  readonly directive: FitDirective;
  readonly state: SiteState;
  /** The site's training options before strategy adjustments (epochs, batch, optimizer, seed). */
  readonly baseOptions: TrainOptions;
}

export interface SiteStrategy {
  /** Starting weights and training options for this round. */
  beforeTrain(ctx: SiteFitContext): { start: Weights; options: TrainOptions };
  /** Extra tensors for the reply; may update ctx.state. */
  afterTrain(ctx: SiteFitContext, trained: Weights, steps: number): Record<string, Weights>;
  /**
   * The weights this site evaluates and keeps as its model: usually the global ones, but FedBN
   * overlays its local normalisation layers.
   */
  personalize(ctx: { layout: ModelLayout; global: Weights; state: SiteState }): Weights;
  /**
   * The weights the site sends back after training (default: all it trained). FedPer replaces its
   * private head with the global values it received, so the head never leaves the site.
   */
  outgoing?(ctx: SiteFitContext, trained: Weights): Weights;
}

export interface StrategyPlugin<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  /** zod schema of the strategy's own options (defaults filled in). */
  readonly schema: S;
  createServer(options: z.infer<S>, layout: ModelLayout): ServerStrategy;
  createSite(options: z.infer<S>): SiteStrategy;
  /**
   * Sites keep part of the model (FedBN's normalisation layers, FedPer's head): the global model
   * alone is not what any site uses, so reports score each site's own combination on its own data.
   */
  readonly personalized?: boolean;
}
