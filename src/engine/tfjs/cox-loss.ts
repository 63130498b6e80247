/**
 * Negative Cox partial log-likelihood of one batch, Breslow ties, per event (docs/survival.md).
 *
 * `risk` holds one linear risk score eta per row; `y` the survival label in XGBoost's convention:
 * +time for an event, -time for a censored row. The risk set of an event at time t is every row of
 * the batch with |y| >= t (tied events share it: Breslow). With D events in the batch,
 *
 *   loss = -(1/D) * sum over events i of [ eta_i - log sum_{j: |y_j| >= t_i} exp(eta_j) ],
 *   dloss/deta_k = -(1/D) * [ event_k - exp(eta_k) * sum_{events i: t_i <= t_k} 1 / S(t_i) ].
 *
 * No event in the batch: loss 0 and a zero gradient. Computed in float64 in O(n log n); every
 * exponential is taken relative to a log-sum-exp, so risk scores of any size neither overflow
 * nor underflow to log(0). Pure JS (no TF.js), so the eval code and tests can use it too.
 */
export function coxLossAndGradient(risk: ArrayLike<number>, y: ArrayLike<number>, n: number, grad?: Float32Array | Float64Array): number {
  if (grad) grad.fill(0, 0, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(y[b]) - Math.abs(y[a]));
  // Descending time: add each tied group to the risk set, then score the group's events.
  const groupTime: number[] = [];
  const groupLogS: number[] = [];
  const groupEvents: number[] = [];
  let logS = -Infinity;
  let events = 0;
  let sumEventRisk = 0;
  let sumLogS = 0;
  for (let g = 0; g < n; ) {
    const t = Math.abs(y[order[g]]);
    let end = g;
    let d = 0;
    while (end < n && Math.abs(y[order[end]]) === t) {
      const i = order[end];
      logS = logAddExp(logS, risk[i]);
      if (y[i] > 0) {
        d++;
        sumEventRisk += risk[i];
      }
      end++;
    }
    if (d > 0) {
      sumLogS += d * logS;
      events += d;
      groupTime.push(t);
      groupLogS.push(logS);
      groupEvents.push(d);
    }
    g = end;
  }
  if (events === 0) return 0;
  if (grad) {
    // Ascending time: logB(t) = log sum_{event groups g: t_g <= t} d_g / S(t_g).
    let logB = -Infinity;
    let next = groupTime.length - 1;
    for (let r = n - 1; r >= 0; r--) {
      const k = order[r];
      const t = Math.abs(y[k]);
      while (next >= 0 && groupTime[next] <= t) {
        logB = logAddExp(logB, Math.log(groupEvents[next]) - groupLogS[next]);
        next--;
      }
      const expected = logB === -Infinity ? 0 : Math.exp(risk[k] + logB);
      grad[k] = -((y[k] > 0 ? 1 : 0) - expected) / events;
    }
  }
  return -(sumEventRisk - sumLogS) / events;
}

/** log(exp(a) + exp(b)) without overflow; -Infinity is the empty sum. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
