import { MedfedError } from '../../core/errors.js';
import { noiseMultiplierFor } from '../accountant/calibrate.js';
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
 * The smallest noise multiplier whose RDP epsilon at delta after `steps` releases at rate q is at
 * most `targetEpsilon` (the accountant's calibration; errors name the study spec field).
 */
export function noiseMultiplierForEpsilon(p: { q: number; steps: number; targetEpsilon: number; delta: number }): number {
  try {
    return noiseMultiplierFor({ targetEpsilon: p.targetEpsilon, delta: p.delta, q: p.q, steps: p.steps, accountant: 'rdp', relativeTolerance: 1e-3 });
  } catch (e) {
    if (e instanceof MedfedError) {
      throw new MedfedError(e.code, e.message, { where: 'privacy.dpSgd.targetEpsilon', hint: e.hint ?? 'raise the target epsilon, or train fewer rounds, epochs or steps' });
    }
    throw e;
  }
}
