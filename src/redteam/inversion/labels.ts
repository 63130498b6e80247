import { Rng } from '../../core/random.js';
import { probabilities } from './gradient-matching.js';
import type { AttackModel, FlatGradients } from './mlp-model.js';

/**
 * The batch's labels from the observed gradient alone (no image needed). With softmax
 * cross-entropy the last layer's bias gradient is g_c = mean_i(p_ic - y_ic): at batch 1 only the
 * true class is negative (iDLG, Zhao et al. 2020). For a batch, n_c ≈ B (p̄_c - g_c) (Wainakh et
 * al. 2022's LLG idea), with p̄ the model's mean prediction on random inputs. Without a last-layer
 * bias the rows of the weight gradient are summed instead (valid for non-negative hidden
 * activations: sigmoid, relu). Returns B labels, sorted.
 */
export function recoverLabels(m: AttackModel, observed: FlatGradients, batch: number, seed: number): number[] {
  const last = m.layers[m.layers.length - 1];
  const g = observed[observed.length - 1];
  let gc: Float64Array;
  if (last.b) {
    gc = Float64Array.from(g);
  } else {
    gc = new Float64Array(last.outDim);
    for (let o = 0; o < last.outDim; o++) for (let i = 0; i < last.inDim; i++) gc[o] += g[o * last.inDim + i];
  }
  const sigmoid = m.loss === 'sigmoid_cross_entropy';
  if (batch === 1) {
    if (sigmoid) return [gc[0] < 0 ? 1 : 0];
    let best = 0;
    for (let c = 1; c < gc.length; c++) if (gc[c] < gc[best]) best = c;
    return [best];
  }
  const rng = Rng.derive(seed, 'label-prior');
  const pbar = new Float64Array(sigmoid ? 1 : gc.length);
  const draws = 32;
  for (let s = 0; s < draws; s++) {
    const x = new Float64Array(m.inputDim).map(() => rng.uniform());
    probabilities(m, x).forEach((p, c) => (pbar[c] += p / draws));
  }
  // Estimated counts per class (class 1 only for sigmoid), then largest remainders to sum to B.
  const est = sigmoid ? [batch * (1 - pbar[0] + gc[0]), batch * (pbar[0] - gc[0])] : Array.from(gc, (v, c) => batch * (pbar[c] - v));
  const counts = est.map((v) => Math.max(0, Math.floor(v)));
  let left = batch - counts.reduce((a, b) => a + b, 0);
  const order = est.map((v, c) => ({ c, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r);
  for (let i = 0; left > 0; i = (i + 1) % order.length, left--) counts[order[i].c]++;
  while (left < 0) {
    const c = counts.indexOf(Math.max(...counts));
    counts[c]--;
    left++;
  }
  return counts.flatMap((n, c) => new Array<number>(n).fill(c));
}
