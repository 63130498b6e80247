/**
 * Rényi DP of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar, Zhang 2019,
 * "Rényi Differential Privacy of the Sampled Gaussian Mechanism", arXiv:1908.10530),
 * add/remove-one neighbouring, sensitivity 1, noise N(0, σ²).
 *
 * RDP at order α is log(A_α) / (α - 1) with A_α = E_{z~N(0,σ²)}[((1-q) + q·e^{(2z-1)/(2σ²)})^α].
 * The computation follows the log-space series of TensorFlow Privacy / Google dp_accounting
 * (`_compute_log_a_int`, `_compute_log_a_frac`) and Opacus (`analysis/rdp.py`).
 */
import { logAdd, logBinomial, logErfc } from './log-math.js';

/** log(A_α) for integer α >= 1 and 0 < q < 1: the binomial expansion, exact. */
export function logAInt(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  const logQ = Math.log(q);
  const log1mq = Math.log1p(-q);
  const twoSigma2 = 2 * sigma * sigma;
  for (let i = 0; i <= alpha; i++) {
    const logCoef = logBinomial(alpha, i) + i * logQ + (alpha - i) * log1mq;
    logA = logAdd(logA, logCoef + (i * i - i) / twoSigma2);
  }
  return logA;
}

const MAX_FRAC_TERMS = 1000;

/**
 * log(A_α) for fractional α and 0 < q < 1 (Sec. 3.3 of the paper): the integral is split
 * at z0 = σ²·log(1/q - 1) + 1/2 and each half expanded in a series of erfc terms. Terms use
 * |binom(α, i)|, as the reference implementations do, so the sum is an upper bound.
 * Returns Infinity (order unusable) if the series does not converge.
 */
export function logAFrac(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const logQ = Math.log(q);
  const log1mq = Math.log1p(-q);
  const twoSigma2 = 2 * sigma * sigma;
  const sqrt2Sigma = Math.SQRT2 * sigma;
  let lastS0 = -Infinity;
  let lastS1 = -Infinity;
  for (let i = 0; i < MAX_FRAC_TERMS; i++) {
    const logCoef = logBinomial(alpha, i);
    const j = alpha - i;
    const logT0 = logCoef + i * logQ + j * log1mq;
    const logT1 = logCoef + j * logQ + i * log1mq;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2Sigma);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
    const logS0 = logT0 + (i * i - i) / twoSigma2 + logE0;
    const logS1 = logT1 + (j * j - j) / twoSigma2 + logE1;
    logA0 = logAdd(logA0, logS0);
    logA1 = logAdd(logA1, logS1);
    const total = logAdd(logA0, logA1);
    if (logS0 < lastS0 && logS1 < lastS1 && Math.max(logS0, logS1) < total - 30) return total;
    lastS0 = logS0;
    lastS1 = logS1;
  }
  return Infinity;
}

/** log(A_α), dispatching on whether α is an integer. */
export function logA(q: number, sigma: number, alpha: number): number {
  return Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
}

/** RDP ε(α) of ONE step of the subsampled Gaussian (Infinity when unbounded). */
export function rdpSubsampledGaussianStep(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (sigma === 0 || alpha === Infinity) return Infinity;
  if (q === 1) return alpha / (2 * sigma * sigma);
  return logA(q, sigma, alpha) / (alpha - 1);
}

/** RDP at every order after `steps` compositions (RDP composes additively). */
export function rdpSubsampledGaussian(q: number, sigma: number, steps: number, orders: readonly number[]): number[] {
  return orders.map((alpha) => {
    if (steps === 0) return 0;
    return rdpSubsampledGaussianStep(q, sigma, alpha) * steps;
  });
}
