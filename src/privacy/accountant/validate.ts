/**
 * Input checks for the accountant. Each failure is a MedfedError CONFIG_INVALID whose
 * `where` names the parameter, so a job spec or ledger entry can point at the bad value.
 */
import { ErrorCodes, MedfedError } from '../../core/errors.js';

function invalid(name: string, value: unknown, rule: string, hint: string): MedfedError {
  return new MedfedError(ErrorCodes.CONFIG_INVALID, `privacy accountant: ${name} must be ${rule}, got ${String(value)}`, {
    where: name,
    hint,
  });
}

/** Sampling probability q in [0, 1] (Poisson subsampling rate: batch size / dataset size). */
export function checkSamplingRate(q: unknown, name = 'q'): number {
  if (typeof q !== 'number' || !Number.isFinite(q) || q < 0 || q > 1) {
    throw invalid(name, q, 'a number in [0, 1]', 'use the Poisson sampling rate (expected batch size / number of records), or 1 for full batches');
  }
  return q;
}

/** Noise multiplier σ > 0 (noise standard deviation / L2 sensitivity). */
export function checkNoiseMultiplier(sigma: unknown, name = 'sigma'): number {
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    throw invalid(name, sigma, 'a finite number > 0', 'σ is the noise standard deviation divided by the clipping norm; σ = 0 gives no privacy');
  }
  return sigma;
}

/** Number of compositions: an integer >= 0. */
export function checkSteps(steps: unknown, name = 'steps'): number {
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 0) {
    throw invalid(name, steps, 'an integer >= 0', 'count the noisy releases (training steps or rounds)');
  }
  return steps;
}

/** δ in (0, 1). */
export function checkDelta(delta: unknown, name = 'delta'): number {
  if (typeof delta !== 'number' || !Number.isFinite(delta) || delta <= 0 || delta >= 1) {
    throw invalid(name, delta, 'a number in (0, 1)', 'pick δ well below 1 / (number of records), e.g. 1e-5');
  }
  return delta;
}

/** ε >= 0 (finite). */
export function checkEpsilon(epsilon: unknown, name = 'epsilon'): number {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw invalid(name, epsilon, 'a finite number >= 0', 'give the privacy budget ε as a non-negative number');
  }
  return epsilon;
}

/** RDP orders: a non-empty list of numbers > 1 (Infinity allowed). */
export function checkOrders(orders: unknown, name = 'orders'): readonly number[] {
  if (!Array.isArray(orders) || orders.length === 0 || orders.some((a) => typeof a !== 'number' || Number.isNaN(a) || a <= 1)) {
    throw invalid(name, Array.isArray(orders) ? `[${orders.join(', ')}]` : orders, 'a non-empty list of orders > 1', 'omit orders to use DEFAULT_RDP_ORDERS');
  }
  return orders as number[];
}

/** A positive finite number (discretisation interval, tolerance). */
export function checkPositive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(name, value, 'a finite number > 0', 'omit it to use the default');
  }
  return value;
}
