/**
 * The RDP accountant's pure functions: RDP of `steps` Poisson-subsampled Gaussian
 * releases, converted to ε at δ (or δ at ε).
 */
import { rdpToDelta, rdpToEpsilon, type RdpConversion } from './rdp-conversion.js';
import { rdpSubsampledGaussian } from './rdp-sampled-gaussian.js';
import { checkDelta, checkEpsilon, checkNoiseMultiplier, checkOrders, checkSamplingRate, checkSteps } from './validate.js';

function range(from: number, toExclusive: number): number[] {
  return Array.from({ length: toExclusive - from }, (_, i) => from + i);
}

/**
 * Default orders of Google dp_accounting (`rdp_privacy_accountant.DEFAULT_RDP_ORDERS`):
 * 1.1, 1.2, …, 10.9, then 11 … 63, then 128, 256, 512, 1024.
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...range(1, 100).map((x) => 1 + x / 10),
  ...range(11, 64),
  128,
  256,
  512,
  1024,
]);

/** Opacus `RDPAccountant.DEFAULT_ALPHAS`: 1.1 … 10.9, then 12 … 63. */
export const OPACUS_DEFAULT_ALPHAS: readonly number[] = Object.freeze([...range(1, 100).map((x) => 1 + x / 10), ...range(12, 64)]);

export interface RdpParams {
  /** Poisson sampling rate per step, in [0, 1]. */
  q: number;
  /** Noise multiplier σ = noise std / L2 clipping norm, > 0. */
  sigma: number;
  /** Number of releases composed, integer >= 0. */
  steps: number;
  /** RDP orders α > 1 (default DEFAULT_RDP_ORDERS). */
  orders?: readonly number[];
  /** 'improved' (default; Balle et al. 2020) or 'classic' (Mironov 2017). */
  conversion?: RdpConversion;
}

/** RDP values at each order for `steps` subsampled-Gaussian releases. */
export function computeRdp(p: Omit<RdpParams, 'conversion'>): { orders: readonly number[]; rdp: number[] } {
  const q = checkSamplingRate(p.q);
  const sigma = checkNoiseMultiplier(p.sigma);
  const steps = checkSteps(p.steps);
  const orders = p.orders === undefined ? DEFAULT_RDP_ORDERS : checkOrders(p.orders);
  return { orders, rdp: rdpSubsampledGaussian(q, sigma, steps, orders) };
}

/** ε at δ by the RDP accountant, with the order that attains it. */
export function rdpEpsilonDetailed(p: RdpParams & { delta: number }): { epsilon: number; order: number } {
  const delta = checkDelta(p.delta);
  const { orders, rdp } = computeRdp(p);
  return rdpToEpsilon(orders, rdp, delta, p.conversion ?? 'improved');
}

/** ε at δ by the RDP accountant (an upper bound on the true ε). */
export function rdpEpsilon(p: RdpParams & { delta: number }): number {
  return rdpEpsilonDetailed(p).epsilon;
}

/** δ at ε by the RDP accountant. */
export function rdpDelta(p: RdpParams & { epsilon: number }): number {
  const epsilon = checkEpsilon(p.epsilon);
  const { orders, rdp } = computeRdp(p);
  return rdpToDelta(orders, rdp, epsilon, p.conversion ?? 'improved').delta;
}
