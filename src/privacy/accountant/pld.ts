/**
 * The PLD accountant's pure functions for Poisson-subsampled Gaussian releases:
 * a numerical, pessimistic (upper-bound) privacy loss distribution, self-composed by FFT.
 * Under add/remove-one neighbouring the answer is the worse of the two directions.
 */
import { selfCompose, composePair, identityPmf, type ComposeOptions } from './pld-compose.js';
import { deltaForEpsilon, epsilonForDelta, type LossPmf } from './pld-pmf.js';
import { subsampledGaussianPmf, type Adjacency } from './pld-subsampled-gaussian.js';
import { checkDelta, checkEpsilon, checkNoiseMultiplier, checkPositive, checkSamplingRate, checkSteps } from './validate.js';

/** Default grid spacing Δ of the privacy loss (Google dp_accounting's default value_discretization_interval). */
export const DEFAULT_PLD_DISCRETIZATION = 1e-4;
/** Default cap on grid length; Δ is doubled (pessimistically) when a grid would be longer. */
export const DEFAULT_PLD_MAX_BINS = 1 << 16;
/** Default tail mass truncated after every convolution (upper tail counted in δ). */
export const DEFAULT_PLD_TAIL_MASS = 1e-15;

export interface PldOptions {
  /** Grid spacing Δ of the privacy loss (default 1e-4); smaller is tighter and slower. */
  discretization?: number;
  /** Cap on grid length (default 2^16). */
  maxBins?: number;
  /** Tail mass truncated per convolution (default 1e-15). */
  tailMass?: number;
}

export interface PldParams extends PldOptions {
  q: number;
  sigma: number;
  steps: number;
}

/** One homogeneous block of releases: `count` steps at sampling rate q and noise σ. */
export interface GaussianBlock {
  q: number;
  sigma: number;
  count: number;
}

/** The composed PLDs of both neighbouring directions (one when they coincide). */
export interface ComposedPld {
  readonly directions: readonly LossPmf[];
}

function resolve(opts: PldOptions): ComposeOptions & { interval: number } {
  return {
    interval: opts.discretization === undefined ? DEFAULT_PLD_DISCRETIZATION : checkPositive(opts.discretization, 'discretization'),
    maxBins: opts.maxBins === undefined ? DEFAULT_PLD_MAX_BINS : Math.max(16, Math.floor(checkPositive(opts.maxBins, 'maxBins'))),
    tailMass: opts.tailMass === undefined ? DEFAULT_PLD_TAIL_MASS : checkPositive(opts.tailMass, 'tailMass'),
  };
}

/** Composes blocks of subsampled-Gaussian releases (already validated) into PLDs. */
export function composeGaussianBlocks(blocks: readonly GaussianBlock[], opts: PldOptions = {}): ComposedPld {
  const o = resolve(opts);
  const active = blocks.filter((b) => b.q > 0 && b.count > 0);
  // With q = 1 everywhere the two directions have the same PLD (a shifted Gaussian).
  const adjacencies: Adjacency[] = active.every((b) => b.q === 1) ? ['remove'] : ['remove', 'add'];
  const directions = adjacencies.map((adj) => {
    let acc = identityPmf(o.interval);
    for (const b of active) {
      const one = subsampledGaussianPmf(b.q, b.sigma, adj, { interval: o.interval, maxBins: o.maxBins });
      acc = composePair(acc, selfCompose(one, b.count, o), o);
    }
    return acc;
  });
  return { directions };
}

/** ε at δ of a composed PLD: the worse direction. */
export function composedEpsilon(pld: ComposedPld, delta: number): number {
  return Math.max(...pld.directions.map((d) => epsilonForDelta(d, delta)));
}

/** δ at ε of a composed PLD: the worse direction. */
export function composedDelta(pld: ComposedPld, epsilon: number): number {
  return Math.max(...pld.directions.map((d) => deltaForEpsilon(d, epsilon)));
}

function composeChecked(p: PldParams): ComposedPld {
  const block = { q: checkSamplingRate(p.q), sigma: checkNoiseMultiplier(p.sigma), count: checkSteps(p.steps) };
  return composeGaussianBlocks([block], p);
}

/** ε at δ by the PLD accountant (an upper bound on the true ε, tight up to discretisation). */
export function pldEpsilon(p: PldParams & { delta: number }): number {
  const delta = checkDelta(p.delta);
  return composedEpsilon(composeChecked(p), delta);
}

/** δ at ε by the PLD accountant (an upper bound on the true δ). */
export function pldDelta(p: PldParams & { epsilon: number }): number {
  const epsilon = checkEpsilon(p.epsilon);
  return composedDelta(composeChecked(p), epsilon);
}
