import { Rng } from '../core/random.js';

/**
 * The sites asked to train in a round: a seeded sample of max(minSites, round(fraction * N))
 * sites, the same for the same seed and round whatever the transport.
 */
export function sampleSites(siteIds: readonly string[], fraction: number, minSites: number, seed: number, round: number): string[] {
  const n = siteIds.length;
  const k = Math.min(n, Math.max(minSites, Math.round(fraction * n), 1));
  if (k === n) return [...siteIds];
  const rng = Rng.derive(seed, 'sample-sites', round);
  return rng.sample(n, k).map((i) => siteIds[i]);
}
