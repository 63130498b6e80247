import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { DpSgdConfig } from '../../core/messages.js';
import { epsilonSpent, noiseMultiplierForEpsilon } from './accounting.js';
import { dpSgdPlan, type DpSgdPlan } from './dp-sgd-plan.js';

/** A job's DP-SGD settings as one site runs them. */
export interface ResolvedDpSgd {
  readonly clipNorm: number;
  readonly noiseMultiplier: number;
  readonly delta: number;
  readonly plannedRounds: number;
  readonly plan: DpSgdPlan;
}

function check(ok: boolean, field: string, message: string): void {
  if (!ok) throw new MedfedError(ErrorCodes.CONFIG_INVALID, message, { where: `privacy.dpSgd.${field}`, hint: 'see docs/differential-privacy.md' });
}

/**
 * The noise multiplier and batch plan of a site with n training examples. With a target epsilon
 * the site takes the smallest sigma whose epsilon after plannedRounds rounds of its own plan is
 * at most the target (each site computes its own: a small site samples a larger fraction).
 */
export function resolveDpSgd(config: DpSgdConfig, site: { n: number; batchSize: number; epochs: number }): ResolvedDpSgd {
  check(config.clipNorm > 0 && Number.isFinite(config.clipNorm), 'clipNorm', `clipNorm must be a finite number > 0, got ${config.clipNorm}`);
  check(config.delta > 0 && config.delta < 1, 'delta', `delta must be in (0, 1), got ${config.delta}`);
  check(Number.isInteger(config.plannedRounds) && config.plannedRounds >= 1, 'plannedRounds', `plannedRounds must be an integer >= 1, got ${config.plannedRounds}`);
  check((config.noiseMultiplier === undefined) !== (config.targetEpsilon === undefined), 'noiseMultiplier', 'give exactly one of noiseMultiplier and targetEpsilon');
  const plan = dpSgdPlan(site);
  let noiseMultiplier: number;
  if (config.noiseMultiplier !== undefined) {
    check(config.noiseMultiplier > 0 && Number.isFinite(config.noiseMultiplier), 'noiseMultiplier', `noiseMultiplier must be a finite number > 0, got ${config.noiseMultiplier}`);
    noiseMultiplier = config.noiseMultiplier;
  } else {
    noiseMultiplier = noiseMultiplierForEpsilon({
      q: plan.q,
      steps: plan.stepsPerRound * config.plannedRounds,
      targetEpsilon: config.targetEpsilon!,
      delta: config.delta,
    });
  }
  return { clipNorm: config.clipNorm, noiseMultiplier, delta: config.delta, plannedRounds: config.plannedRounds, plan };
}

/** epsilon at the job's delta after the site has trained `rounds` rounds. */
export function dpSgdEpsilonAfter(r: ResolvedDpSgd, rounds: number): number {
  return epsilonSpent({ q: r.plan.q, noiseMultiplier: r.noiseMultiplier, steps: r.plan.stepsPerRound * rounds }, r.delta);
}
