/**
 * A discretised privacy loss distribution (PLD): probabilities of the privacy loss
 * L = log(P(o)/Q(o)), o ~ P, on the grid {k·Δ}, plus the mass at L = +∞.
 * Every operation here is pessimistic: its result dominates its input (the input is a
 * post-processing of it), so δ(ε) of the result, alone or composed, is an upper bound.
 */

export interface LossPmf {
  /** Grid spacing Δ of the loss values. */
  readonly interval: number;
  /** probs[i] is the mass at loss (offset + i)·Δ. */
  readonly offset: number;
  readonly probs: Float64Array;
  /** Mass at loss +∞ (counts fully towards δ at every ε). */
  readonly infinityMass: number;
}

/** Drops the lower tail (mass <= tailMass, moved UP into the first kept bin) and the upper tail (mass <= tailMass, moved to +∞). */
export function truncateTails(pmf: LossPmf, tailMass: number): LossPmf {
  const p = pmf.probs;
  let lo = 0;
  let lowMass = 0;
  while (lo < p.length - 1 && lowMass + p[lo] <= tailMass) lowMass += p[lo++];
  let hi = p.length - 1;
  let highMass = 0;
  while (hi > lo && highMass + p[hi] <= tailMass) highMass += p[hi--];
  if (lo === 0 && hi === p.length - 1) return pmf;
  const probs = p.slice(lo, hi + 1);
  probs[0] += lowMass;
  return { interval: pmf.interval, offset: pmf.offset + lo, probs, infinityMass: pmf.infinityMass + highMass };
}

/**
 * Doubles Δ. Mass at an even grid index 2j stays at loss 2jΔ; mass p at an odd index
 * 2j-1 is split between its neighbours 2j-2 and 2j, p/(1+e^Δ) down and the rest up, which
 * keeps both its P-mass and its Q-mass (P-mass·e^{-loss}): merging the two neighbours
 * gives the old point back, so the coarse PLD dominates the fine one.
 */
export function coarsen(pmf: LossPmf): LossPmf {
  const first = pmf.offset;
  const last = pmf.offset + pmf.probs.length - 1;
  const newOffset = Math.floor(first / 2);
  const probs = new Float64Array(Math.ceil(last / 2) - newOffset + 1);
  const downShare = 1 / (1 + Math.exp(pmf.interval));
  for (let i = 0; i < pmf.probs.length; i++) {
    const k = first + i;
    const p = pmf.probs[i];
    if (k % 2 === 0) {
      probs[k / 2 - newOffset] += p;
    } else {
      const j = (k + 1) / 2;
      const down = p * downShare;
      probs[j - 1 - newOffset] += down;
      probs[j - newOffset] += p - down;
    }
  }
  return { interval: pmf.interval * 2, offset: newOffset, probs, infinityMass: pmf.infinityMass };
}

/** Coarsens until Δ reaches `interval` (which must be pmf.interval times a power of two). */
export function coarsenTo(pmf: LossPmf, interval: number): LossPmf {
  let out = pmf;
  while (out.interval < interval * (1 - 1e-9)) out = coarsen(out);
  return out;
}

/** δ(ε) = P[L = ∞] + Σ_{ℓ > ε} p(ℓ)·(1 - e^{ε-ℓ}): the hockey-stick divergence. */
export function deltaForEpsilon(pmf: LossPmf, epsilon: number): number {
  let delta = pmf.infinityMass;
  for (let i = pmf.probs.length - 1; i >= 0; i--) {
    const loss = (pmf.offset + i) * pmf.interval;
    if (loss <= epsilon) break;
    delta += pmf.probs[i] * -Math.expm1(epsilon - loss);
  }
  return Math.min(1, delta);
}

/**
 * Smallest ε >= 0 with δ(ε) <= delta, exact for this PMF (δ(ε) is solved in closed form
 * between grid points). Infinity when the mass at +∞ already exceeds delta.
 */
export function epsilonForDelta(pmf: LossPmf, delta: number): number {
  const { probs, interval, offset, infinityMass } = pmf;
  if (infinityMass > delta) return Infinity;
  const decay = Math.exp(-interval);
  // At boundary m: above = Σ_{j>m} p_j, scaled = Σ_{j>m} p_j·e^{ℓ_m - ℓ_j}, δ(ℓ_m) = ∞-mass + above - scaled.
  let above = 0;
  let scaled = 0;
  for (let m = probs.length - 1; m >= -1; m--) {
    if (m < probs.length - 1) {
      above += probs[m + 1];
      scaled = (scaled + probs[m + 1]) * decay;
    }
    if (infinityMass + above - scaled > delta || m === -1) {
      if (scaled <= 0) return 0;
      const eps = (offset + m) * interval + Math.log((infinityMass + above - delta) / scaled);
      return Math.max(0, eps);
    }
  }
  return 0;
}
