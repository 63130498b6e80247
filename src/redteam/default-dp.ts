import { resolveDpSgd } from '../privacy/dp/dp-sgd-config.js';

/**
 * medfed's default patient-level DP setting (docs/differential-privacy.md, the heart DP demo):
 * DP-SGD with clip norm C = 1 and the noise multiplier each site derives for a target epsilon of
 * 3 at delta 1e-5 over all planned rounds.
 */
export const defaultDpTarget = { targetEpsilon: 3, delta: 1e-5, clipNorm: 1 } as const;

/** The sigma a site with `n` examples, batch size B, `epochs` local epochs and `rounds` planned rounds uses. */
export function defaultSiteNoise(site: { n: number; batchSize: number; epochs: number; rounds: number }): { clipNorm: number; noiseMultiplier: number } {
  const r = resolveDpSgd({ ...defaultDpTarget, plannedRounds: site.rounds }, { n: site.n, batchSize: site.batchSize, epochs: site.epochs });
  return { clipNorm: r.clipNorm, noiseMultiplier: r.noiseMultiplier };
}
