/**
 * Conversion of an RDP curve (orders α, values ε_RDP(α)) to (ε, δ)-DP.
 *
 * - classic: ε = min_α ε_RDP(α) + log(1/δ)/(α-1)  (Mironov 2017, Prop. 3).
 * - improved (default): ε = min_α ε_RDP(α) + log(1-1/α) - log(δ·α)/(α-1)
 *   (Balle et al. 2020 Thm. 21; Canonne, Kamath, Steinke 2020 Prop. 12), with the
 *   KL bound δ <= sqrt(1 - e^{-ε_RDP}) for ε = 0, exactly as Google dp_accounting's
 *   `compute_epsilon` / `compute_delta`; Opacus `get_privacy_spent` uses the same formula.
 */

export type RdpConversion = 'improved' | 'classic';

export interface RdpEpsilonResult {
  epsilon: number;
  /** The order α at which the minimum is reached (NaN when none is finite). */
  order: number;
}

export interface RdpDeltaResult {
  delta: number;
  order: number;
}

function argmin(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

/** Smallest ε over the orders such that the mechanism is (ε, δ)-DP. */
export function rdpToEpsilon(orders: readonly number[], rdp: readonly number[], delta: number, conversion: RdpConversion = 'improved'): RdpEpsilonResult {
  const eps = orders.map((a, i) => {
    const r = rdp[i];
    if (Number.isNaN(r) || r === Infinity || a === Infinity) return Infinity;
    if (r < 0) return 0; // numerical noise from extreme inputs; RDP is never negative
    if (conversion === 'classic') return r - Math.log(delta) / (a - 1);
    if (delta * delta + Math.expm1(-r) > 0) return 0; // KL bound already gives δ
    if (a > 1.01) return r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
    return Infinity; // this bound is unstable as α -> 1
  });
  const i = argmin(eps);
  return { epsilon: Math.max(0, eps[i]), order: eps[i] === Infinity ? NaN : orders[i] };
}

/** Smallest δ over the orders such that the mechanism is (ε, δ)-DP. */
export function rdpToDelta(orders: readonly number[], rdp: readonly number[], epsilon: number, conversion: RdpConversion = 'improved'): RdpDeltaResult {
  const logDeltas = orders.map((a, i) => {
    const r = rdp[i];
    if (Number.isNaN(r) || r === Infinity || a === Infinity) return 0;
    if (r <= 0) return -Infinity;
    if (conversion === 'classic') return Math.min(0, (a - 1) * (r - epsilon));
    let logDelta = 0.5 * Math.log1p(-Math.exp(-r));
    if (a > 1.01) logDelta = Math.min(logDelta, (a - 1) * (r - epsilon + Math.log1p(-1 / a)) - Math.log(a));
    return logDelta;
  });
  const i = argmin(logDeltas);
  return { delta: Math.min(Math.exp(logDeltas[i]), 1), order: logDeltas[i] === 0 ? NaN : orders[i] };
}
