import type { DpSgdConfig } from '../../core/messages.js';
import type { PlannedJob } from '../ledger/types.js';
import { epsilonSpent } from './accounting.js';
import { dpSgdEpsilonAfter, resolveDpSgd } from './dp-sgd-config.js';

/**
 * A DP-SGD job's planned spend at a site with n training examples, for the ledger's check before
 * the first release: epsilon after all planned rounds (the site may be sampled in every round).
 */
export function plannedDpSgdJob(jobId: string, config: DpSgdConfig, site: { n: number; batchSize: number; epochs: number }): PlannedJob {
  const r = resolveDpSgd(config, site);
  return { jobId, epsilon: dpSgdEpsilonAfter(r, config.plannedRounds), delta: r.delta };
}

/** The epsilon one DP-SGD round adds to a job that has trained `roundsBefore` rounds (what the ledger records). */
export function dpSgdRoundEpsilon(config: DpSgdConfig, site: { n: number; batchSize: number; epochs: number }, roundsBefore: number): number {
  const r = resolveDpSgd(config, site);
  return dpSgdEpsilonAfter(r, roundsBefore + 1) - dpSgdEpsilonAfter(r, roundsBefore);
}

/**
 * Client-level DP-FedAvg's spend: `rounds` Gaussian releases with noise multiplier z, each site
 * sampled with probability `siteFraction` (Poisson sampling of sites is what the accountant
 * assumes; fixed-size sampling without replacement is close but not identical).
 */
export function dpFedavgEpsilon(p: { siteFraction: number; noiseMultiplier: number; rounds: number; delta: number }): number {
  return epsilonSpent({ q: p.siteFraction, noiseMultiplier: p.noiseMultiplier, steps: p.rounds }, p.delta);
}
