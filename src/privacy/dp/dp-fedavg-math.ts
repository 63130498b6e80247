import { ErrorCodes, MedfedError } from '../../core/errors.js';

/**
 * Client-level DP-FedAvg arithmetic (McMahan et al. 2018, "Learning differentially private
 * recurrent language models"; adaptive clipping from Andrew et al. 2021, "Differentially private
 * learning with adaptive clipping"). Pure functions; the noise source is passed in.
 */

/**
 * The noise multiplier of the model update when part of the privacy budget goes to the noisy
 * count of unclipped updates (Andrew et al. 2021, Thm. 1): with overall multiplier z and the
 * count's noise std sigma_b, sigma_delta = (z^-2 - (2 sigma_b)^-2)^(-1/2). The pair then has the
 * privacy of one Gaussian mechanism with multiplier z. CONFIG_INVALID when sigma_b <= 1 / (2 z).
 */
export function updateNoiseMultiplier(z: number, countStd: number): number {
  const inv = z ** -2 - (2 * countStd) ** -2;
  if (!(inv > 0)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `clipCountStddev ${countStd} is too small for noiseMultiplier ${z}: it must exceed 1 / (2 z) = ${1 / (2 * z)}`, {
      where: 'strategies.dp-fedavg.options.clipCountStddev',
      hint: 'Andrew et al. recommend clipCountStddev = expected sites per round / 20; raise it or the noise multiplier',
    });
  }
  return inv ** -0.5;
}

/**
 * One geometric clip-norm update: the noisy fraction of unclipped updates
 * b = (sum(bits) + N(0, countStd^2)) / n, and C' = C exp(-eta (b - gamma)). C grows while fewer
 * than the target quantile gamma of updates fit under it and shrinks otherwise.
 */
export function nextClipNorm(
  clipNorm: number,
  unclippedBits: readonly number[],
  p: { targetQuantile: number; learningRate: number; countStd: number },
  normal: () => number,
): { clipNorm: number; unclippedFraction: number } {
  const sum = unclippedBits.reduce((a, b) => a + b, 0);
  const noise = p.countStd > 0 ? p.countStd * normal() : 0;
  const fraction = (sum + noise) / unclippedBits.length;
  return { clipNorm: clipNorm * Math.exp(-p.learningRate * (fraction - p.targetQuantile)), unclippedFraction: fraction };
}

/**
 * The private mean of site deltas: each delta (one vector over all its tensors) is scaled to L2
 * norm <= C, the scaled deltas are summed, N(0, (sigma C)^2) is added per coordinate and the sum
 * is divided by n (uniform weights, so one site moves the mean by at most C / n and the noise
 * std is sigma C / n). Returns the mean and each delta's norm before clipping.
 */
export function privateMeanOfDeltas(
  deltas: readonly (readonly Float64Array[])[],
  clipNorm: number,
  noiseMultiplier: number,
  normal: () => number,
): { mean: Float64Array[]; norms: number[] } {
  const n = deltas.length;
  const sizes = deltas[0].map((t) => t.length);
  const sum = sizes.map((s) => new Float64Array(s));
  const norms = deltas.map((d) => {
    let sq = 0;
    for (const t of d) for (let i = 0; i < t.length; i++) sq += t[i] * t[i];
    const norm = Math.sqrt(sq);
    const f = norm > clipNorm ? clipNorm / norm : 1;
    d.forEach((t, k) => {
      const s = sum[k];
      for (let i = 0; i < t.length; i++) s[i] += f * t[i];
    });
    return norm;
  });
  const std = noiseMultiplier * clipNorm;
  for (const s of sum) for (let i = 0; i < s.length; i++) s[i] = (s[i] + (std > 0 ? std * normal() : 0)) / n;
  return { mean: sum, norms };
}
