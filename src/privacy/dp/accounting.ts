import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { rdpEpsilon } from '../accountant/rdp.js';

/**
 * Privacy accounting of the DP mechanisms by the RDP accountant of the subsampled Gaussian
 * (Mironov et al. 2019): an upper bound on epsilon at delta. Composition over rounds is exact
 * in RDP: `steps` releases of the same (q, sigma) compose into one accountant call.
 */
export interface GaussianReleases {
  /** Poisson sampling rate of each release (examples per step for DP-SGD, sites per round for DP-FedAvg). */
  readonly q: number;
  readonly noiseMultiplier: number;
  readonly steps: number;
}

/** epsilon at delta after `steps` releases (0 for no release). */
export function epsilonSpent(r: GaussianReleases, delta: number): number {
  if (r.steps === 0 || r.q === 0) return 0;
  return rdpEpsilon({ q: r.q, sigma: r.noiseMultiplier, steps: r.steps, delta });
}

/**
 * The smallest noise multiplier (to 0.1 % relative) whose epsilon at delta after `steps`
 * releases at rate q is at most `targetEpsilon`, by bisection on log sigma (epsilon falls as
 * sigma grows). CONFIG_INVALID when even sigma = 1000 cannot reach the target.
 */
export function noiseMultiplierForEpsilon(p: { q: number; steps: number; targetEpsilon: number; delta: number }): number {
  if (!(p.targetEpsilon > 0) || !Number.isFinite(p.targetEpsilon)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `targetEpsilon must be a finite number > 0, got ${p.targetEpsilon}`, { where: 'privacy.dpSgd.targetEpsilon' });
  }
  const eps = (sigma: number) => epsilonSpent({ q: p.q, noiseMultiplier: sigma, steps: p.steps }, p.delta);
  let hi = 1;
  while (eps(hi) > p.targetEpsilon) {
    hi *= 2;
    if (hi > 1000) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `no noise multiplier <= 1000 reaches epsilon ${p.targetEpsilon} at delta ${p.delta} for ${p.steps} steps at q = ${p.q}`, {
        where: 'privacy.dpSgd.targetEpsilon',
        hint: 'raise the target epsilon, or train fewer rounds, epochs or steps',
      });
    }
  }
  let lo = hi / 2;
  if (eps(lo) <= p.targetEpsilon) {
    while (lo > 1e-3 && eps(lo / 2) <= p.targetEpsilon) lo /= 2;
    hi = lo;
    lo = lo / 2;
  }
  while (hi / lo > 1.001) {
    const mid = Math.sqrt(lo * hi);
    if (eps(mid) <= p.targetEpsilon) hi = mid;
    else lo = mid;
  }
  return hi;
}
