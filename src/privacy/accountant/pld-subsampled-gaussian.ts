/**
 * Pessimistic discretised PLD of ONE Poisson-subsampled Gaussian release
 * (sensitivity 1, noise N(0, σ²), sampling rate q), add/remove-one neighbouring.
 *
 * remove: P = (1-q)·N(0,σ²) + q·N(1,σ²), Q = N(0,σ²), L(x) = log(1 - q + q·e^{(2x-1)/(2σ²)}), x ~ P.
 * add:    P = N(0,σ²), Q = (1-q)·N(0,σ²) + q·N(1,σ²), L(x) = -log(1 - q + q·e^{(2x-1)/(2σ²)}), x ~ P.
 * (Koskela et al. 2020; Google dp_accounting `GaussianPrivacyLoss` with sampling_prob.)
 *
 * Discretisation ("connect the dots", Doroshenko et al. 2022): for each grid cell
 * ((k-1)Δ, kΔ] the exact P-mass p and Q-mass r of the outcomes whose loss falls in it
 * (normal CDFs through the inverse of the monotone map x -> L(x)) are split between the
 * two grid points, a at (k-1)Δ and p - a at kΔ, so that both masses are kept:
 * a·e^{-(k-1)Δ} + (p-a)·e^{-kΔ} = r. Merging the two grid outcomes gives back the cell,
 * so the true pair is a post-processing of the discretised one: the discretised PLD
 * dominates, and δ(ε) of its compositions is an upper bound (not only an estimate).
 * Mass beyond ±TAIL_Z standard deviations goes to +∞ (upper tail) or is rounded up into
 * the lowest cell (lower tail), both pessimistic.
 */
import { normalCdf } from './log-math.js';
import type { LossPmf } from './pld-pmf.js';

export type Adjacency = 'remove' | 'add';

/** Tail cut in standard deviations of x (normal tail mass about 1e-17). */
const TAIL_Z = 8.5;

/** x at which the 'remove' loss equals ℓ: σ²·log((e^ℓ - 1 + q)/q) + 1/2 (-∞ below log(1-q)). */
function xForRemoveLoss(loss: number, q: number, sigma: number): number {
  if (loss === Infinity) return Infinity;
  if (loss === -Infinity) return -Infinity;
  const inner = Math.expm1(loss) + q;
  if (inner <= 0) return -Infinity;
  return sigma * sigma * (Math.log(inner) - Math.log(q)) + 0.5;
}

function removeLoss(x: number, q: number, sigma: number): number {
  const t = (2 * x - 1) / (2 * sigma * sigma);
  if (q === 1) return t;
  // log(1 - q + q e^t), stable for large t.
  return t > 0 ? t + Math.log(q + (1 - q) * Math.exp(-t)) : Math.log1p(q * Math.expm1(t));
}

/**
 * Mass of N(mean, σ²) between consecutive boundaries, accurate in both tails: uses the
 * lower CDF left of the mean and the upper tail right of it (no cancellation).
 */
function normalBinMasses(bounds: Float64Array, mean: number, sigma: number): Float64Array {
  const tail = new Float64Array(bounds.length);
  for (let i = 0; i < bounds.length; i++) tail[i] = normalCdf(-Math.abs((bounds[i] - mean) / sigma));
  const out = new Float64Array(bounds.length - 1);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i] - mean;
    const b = bounds[i + 1] - mean;
    if (a >= 0) out[i] = tail[i] - tail[i + 1];
    else if (b <= 0) out[i] = tail[i + 1] - tail[i];
    else out[i] = 1 - tail[i] - tail[i + 1];
    if (out[i] < 0) out[i] = 0;
  }
  return out;
}

export interface DiscretizeOptions {
  /** Requested grid spacing Δ. */
  interval: number;
  /** Δ is doubled until the grid has at most this many bins. */
  maxBins: number;
}

/** The pessimistic discretised PLD of one subsampled-Gaussian release, 0 < q <= 1, σ > 0. */
export function subsampledGaussianPmf(q: number, sigma: number, adjacency: Adjacency, opts: DiscretizeOptions): LossPmf {
  const xLo = -TAIL_Z * sigma;
  const xHi = 1 + TAIL_Z * sigma;
  const remove = adjacency === 'remove';
  const lossLo = remove ? removeLoss(xLo, q, sigma) : -removeLoss(xHi, q, sigma);
  const lossHi = remove ? removeLoss(xHi, q, sigma) : -removeLoss(xLo, q, sigma);
  let interval = opts.interval;
  while ((lossHi - lossLo) / interval + 2 > opts.maxBins) interval *= 2;
  const kLo = Math.ceil(lossLo / interval);
  const kHi = Math.max(kLo, Math.ceil(lossHi / interval));
  const nBins = kHi - kLo + 1;
  // Boundaries in x of the bins ((k-1)Δ, kΔ], k = kLo..kHi, listed in increasing x.
  const bounds = new Float64Array(nBins + 1);
  let infinityMass: number;
  let pCell: Float64Array;
  let qCell: Float64Array;
  if (remove) {
    // Cell i (k = kLo + i) is x ∈ (x((k-1)Δ), x(kΔ)]; everything below goes in the first cell, above xHi to +∞.
    bounds[0] = -Infinity;
    for (let i = 1; i < nBins; i++) bounds[i] = xForRemoveLoss((kLo + i - 1) * interval, q, sigma);
    bounds[nBins] = xHi;
    const fromZero = normalBinMasses(bounds, 0, sigma);
    const fromOne = normalBinMasses(bounds, 1, sigma);
    pCell = new Float64Array(nBins);
    for (let i = 0; i < nBins; i++) pCell[i] = (1 - q) * fromZero[i] + q * fromOne[i];
    qCell = fromZero;
    infinityMass = (1 - q) * normalCdf(-xHi / sigma) + q * normalCdf(-(xHi - 1) / sigma);
  } else {
    // Loss is decreasing in x: cell k is x ∈ [x_remove(-kΔ), x_remove(-(k-1)Δ)); list cells by increasing x (k descending).
    bounds[0] = xLo;
    for (let j = 1; j < nBins; j++) bounds[j] = xForRemoveLoss(-(kHi - j) * interval, q, sigma);
    bounds[nBins] = Infinity;
    const fromZero = normalBinMasses(bounds, 0, sigma);
    const fromOne = normalBinMasses(bounds, 1, sigma);
    pCell = new Float64Array(nBins);
    qCell = new Float64Array(nBins);
    for (let j = 0; j < nBins; j++) {
      pCell[nBins - 1 - j] = fromZero[j];
      qCell[nBins - 1 - j] = (1 - q) * fromZero[j] + q * fromOne[j];
    }
    infinityMass = normalCdf(xLo / sigma);
  }
  // Split each cell between its end points (index i-1 and i), keeping P- and Q-mass.
  // The first cell also holds the lower tail: it is rounded up whole (pessimistic).
  const probs = new Float64Array(nBins + 1);
  for (let i = 0; i < nBins; i++) {
    const p = pCell[i];
    if (p <= 0) continue;
    let a = 0;
    if (i > 0) {
      // a·e^{Δ} + (p - a) = r·e^{kΔ}  =>  a = (r·e^{kΔ} - p) / (e^{Δ} - 1); clamp round-off.
      const k = kLo + i;
      const rScaled = qCell[i] > 0 ? Math.exp(Math.log(qCell[i]) + k * interval) : 0;
      a = (rScaled - p) / Math.expm1(interval);
      a = Math.min(p, Math.max(0, a));
    }
    probs[i] += a;
    probs[i + 1] += p - a;
  }
  return { interval, offset: kLo - 1, probs, infinityMass };
}
