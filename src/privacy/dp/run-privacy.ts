import type { DpSgdConfig } from '../../core/messages.js';
import type { PrivacySpec } from '../../core/study-spec.js';
import { dpSgdEpsilonAfter, resolveDpSgd } from './dp-sgd-config.js';

/** A run's differential privacy as results.json records it. */
export interface RunPrivacy {
  readonly mechanism: 'dp-sgd';
  /** Largest epsilon any site spent (the run's guarantee for every patient), at `delta`. */
  readonly epsilon: number;
  readonly delta: number;
  readonly clipNorm: number;
  readonly targetEpsilon?: number;
  /** Per site: epsilon spent, the noise multiplier it used, its sampling rate and rounds trained. */
  readonly perSite: Record<string, { epsilon: number; noiseMultiplier: number; samplingRate: number; rounds: number }>;
  readonly accountant: 'rdp';
}

/** The wire config for a run's DP-SGD (undefined without one); the strategy's privacy overrides the study's. */
export function dpSgdConfigFor(study: PrivacySpec | undefined, strategy: PrivacySpec | undefined, rounds: number): DpSgdConfig | undefined {
  const dp = (strategy ?? study)?.dpSgd;
  if (!dp) return undefined;
  return 'targetEpsilon' in dp
    ? { clipNorm: dp.clipNorm, targetEpsilon: dp.targetEpsilon, delta: dp.delta, plannedRounds: rounds }
    : { clipNorm: dp.clipNorm, noiseMultiplier: dp.noiseMultiplier, delta: dp.delta, plannedRounds: rounds };
}

/**
 * The privacy record of a finished run, recomputed from public parameters exactly as each site
 * computes it (the same resolveDpSgd and accountant): site sizes, batch size, epochs and the
 * rounds each site trained in.
 */
export function runPrivacy(
  config: DpSgdConfig,
  sites: readonly { siteId: string; n: number; rounds: number }[],
  training: { batchSize: number; epochs: number },
): RunPrivacy {
  const perSite: RunPrivacy['perSite'] = {};
  let epsilon = 0;
  for (const s of [...sites].sort((a, b) => (a.siteId < b.siteId ? -1 : 1))) {
    const r = resolveDpSgd(config, { n: s.n, batchSize: training.batchSize, epochs: training.epochs });
    const e = dpSgdEpsilonAfter(r, s.rounds);
    perSite[s.siteId] = { epsilon: e, noiseMultiplier: r.noiseMultiplier, samplingRate: r.plan.q, rounds: s.rounds };
    epsilon = Math.max(epsilon, e);
  }
  return { mechanism: 'dp-sgd', epsilon, delta: config.delta, clipNorm: config.clipNorm, targetEpsilon: config.targetEpsilon, perSite, accountant: 'rdp' };
}
