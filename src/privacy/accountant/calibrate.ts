/**
 * The inverse problem: the smallest noise multiplier σ for which `steps` Poisson-subsampled
 * Gaussian releases at rate q stay within (targetEpsilon, delta), found by bisection on σ
 * (ε is decreasing in σ). The returned σ always meets the target (the upper end of the bracket).
 */
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { pldEpsilon, type PldOptions } from './pld.js';
import type { RdpConversion } from './rdp-conversion.js';
import { rdpEpsilon } from './rdp.js';
import { checkDelta, checkEpsilon, checkPositive, checkSamplingRate, checkSteps } from './validate.js';

export interface NoiseMultiplierQuery {
  targetEpsilon: number;
  delta: number;
  q: number;
  steps: number;
  accountant: 'rdp' | 'pld';
  /** Stop when the bracket is narrower than this fraction of σ (default 1e-4 for rdp, 1e-3 for pld). */
  relativeTolerance?: number;
  orders?: readonly number[];
  conversion?: RdpConversion;
  pld?: PldOptions;
}

/** Halving stops at or below this σ: a tiny σ answer means the target needs (almost) no noise. */
export const SIGMA_FLOOR = 1e-3;
const SIGMA_CEILING = 1e6;

/** Smallest σ (to the tolerance) with ε(σ) <= targetEpsilon; 0 when nothing is released (steps = 0 or q = 0). */
export function noiseMultiplierFor(query: NoiseMultiplierQuery): number {
  const target = checkEpsilon(query.targetEpsilon, 'targetEpsilon');
  const delta = checkDelta(query.delta);
  const q = checkSamplingRate(query.q);
  const steps = checkSteps(query.steps);
  if (query.accountant !== 'rdp' && query.accountant !== 'pld') {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `noiseMultiplierFor: accountant must be 'rdp' or 'pld', got ${String(query.accountant)}`, { where: 'accountant' });
  }
  if (steps === 0 || q === 0) return 0;
  const tol = query.relativeTolerance === undefined ? (query.accountant === 'rdp' ? 1e-4 : 1e-3) : checkPositive(query.relativeTolerance, 'relativeTolerance');
  const eps = (sigma: number): number =>
    query.accountant === 'rdp'
      ? rdpEpsilon({ q, sigma, steps, delta, orders: query.orders, conversion: query.conversion })
      : pldEpsilon({ q, sigma, steps, delta, ...query.pld });

  // PLD ε is below the RDP bound, so the RDP answer is a good upper end to start from.
  let hi = query.accountant === 'pld' ? noiseMultiplierFor({ ...query, accountant: 'rdp', relativeTolerance: 1e-3 }) : 1;
  const shrink = query.accountant === 'pld' ? 0.85 : 0.5;
  while (eps(hi) > target) {
    hi *= 2;
    if (hi > SIGMA_CEILING) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `no noise multiplier up to ${SIGMA_CEILING} reaches ε = ${target} at δ = ${delta} for q = ${q} and ${steps} steps`, {
        where: 'targetEpsilon',
        hint: 'raise the ε budget, lower the sampling rate or run fewer steps',
      });
    }
  }
  let lo = hi * shrink;
  while (eps(lo) <= target) {
    hi = lo;
    if (hi <= SIGMA_FLOOR) return hi; // (almost) no noise is needed, e.g. δ >= the chance of ever being sampled
    lo = hi * shrink;
  }
  while (hi - lo > tol * hi) {
    const mid = (lo + hi) / 2;
    if (eps(mid) <= target) hi = mid;
    else lo = mid;
  }
  return hi;
}
