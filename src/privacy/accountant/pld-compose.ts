/**
 * Composition of discretised PLDs: the PLD of independent releases is the convolution
 * of their PLDs (losses add), computed by FFT; `steps`-fold self-composition by
 * exponentiation by squaring. Grids are kept at most `maxBins` long by pessimistic
 * coarsening, and tails of mass <= tailMass are truncated pessimistically after each step.
 */
import { convolveReal } from './fft.js';
import { coarsen, coarsenTo, truncateTails, type LossPmf } from './pld-pmf.js';

export interface ComposeOptions {
  /** Largest grid length kept (power-of-two FFTs of about twice this size). */
  maxBins: number;
  /** Mass truncated from each tail after every convolution. */
  tailMass: number;
}

/** The identity of composition: all mass at loss 0. */
export function identityPmf(interval: number): LossPmf {
  return { interval, offset: 0, probs: Float64Array.of(1), infinityMass: 0 };
}

/** PLD of the composition of two independent releases. */
export function composePair(a: LossPmf, b: LossPmf, opts: ComposeOptions): LossPmf {
  const interval = Math.max(a.interval, b.interval);
  let x = coarsenTo(a, interval);
  let y = coarsenTo(b, interval);
  while (x.probs.length + y.probs.length - 1 > opts.maxBins && x.probs.length + y.probs.length > 4) {
    x = coarsen(x);
    y = coarsen(y);
  }
  const probs = convolveReal(x.probs, y.probs);
  // Losses can only be finite if both are: P[finite] = (1 - a∞)(1 - b∞).
  const infinityMass = 1 - (1 - x.infinityMass) * (1 - y.infinityMass);
  return truncateTails({ interval: x.interval, offset: x.offset + y.offset, probs, infinityMass }, opts.tailMass);
}

/** PLD of `steps` independent copies of `pmf` composed. */
export function selfCompose(pmf: LossPmf, steps: number, opts: ComposeOptions): LossPmf {
  let result: LossPmf | null = null;
  let base = pmf;
  let n = steps;
  while (n > 0) {
    if (n % 2 === 1) result = result === null ? base : composePair(result, base, opts);
    n = Math.floor(n / 2);
    if (n > 0) base = composePair(base, base, opts);
  }
  return result ?? identityPmf(pmf.interval);
}
