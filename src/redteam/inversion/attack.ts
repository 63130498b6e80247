import { deriveSeed, Rng } from '../../core/random.js';
import { matchingLossAndGradient } from './gradient-matching.js';
import type { AttackModel, FlatGradients } from './mlp-model.js';

export interface InversionOptions {
  /** Image shape of one input (height x width); height * width must be the model's input size. */
  readonly height: number;
  readonly width: number;
  /** Labels of the batch (e.g. from recoverLabels); the batch size is their count. */
  readonly labels: readonly number[];
  /** Adam steps per restart (default 2000), learning rate (default 0.05, cosine-decayed). */
  readonly iterations?: number;
  readonly lr?: number;
  /** Weight of the total-variation prior (default 1e-2). */
  readonly tvWeight?: number;
  /** Random restarts; the one with the lowest final matching loss is kept (default 1). */
  readonly restarts?: number;
  readonly seed: number;
}

export interface InversionResult {
  /** Reconstructed inputs in [0, 1], one per label. */
  readonly images: Float64Array[];
  /** Final gradient-matching loss 1 - cos. */
  readonly loss: number;
}

/** Anisotropic total variation (mean absolute neighbour difference) and its (sub)gradient, added into `grad`. */
function addTotalVariation(x: Float64Array, h: number, w: number, weight: number, grad: Float64Array): number {
  let tv = 0;
  const nx = h * (w - 1), ny = (h - 1) * w;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (c + 1 < w) {
        const d = x[i + 1] - x[i];
        tv += Math.abs(d) / nx;
        const s = (weight * Math.sign(d)) / nx;
        grad[i + 1] += s; grad[i] -= s;
      }
      if (r + 1 < h) {
        const d = x[i + w] - x[i];
        tv += Math.abs(d) / ny;
        const s = (weight * Math.sign(d)) / ny;
        grad[i + w] += s; grad[i] -= s;
      }
    }
  }
  return weight * tv;
}

/**
 * Inverting Gradients (Geiping et al. 2020): find inputs whose gradient points the same way as
 * the observed one. Minimises 1 - cos(grad(x), observed) + tvWeight * TV(x) by Adam on the dummy
 * inputs (uniform random start), with a cosine-decayed step and the box constraint x in [0, 1].
 */
export function invertGradients(m: AttackModel, observed: FlatGradients, o: InversionOptions): InversionResult {
  const iters = o.iterations ?? 2000;
  const lr0 = o.lr ?? 0.05;
  const tvw = o.tvWeight ?? 1e-2;
  const B = o.labels.length;
  const dim = m.inputDim;
  let on = 0;
  for (const g of observed) for (const v of g) on += v * v;
  on = Math.sqrt(on);
  let best: InversionResult | null = null;
  for (let restart = 0; restart < (o.restarts ?? 1); restart++) {
    const rng = new Rng(deriveSeed(o.seed, 'inversion', restart));
    const xs = Array.from({ length: B }, () => new Float64Array(dim).map(() => rng.uniform()));
    const m1 = xs.map(() => new Float64Array(dim));
    const m2 = xs.map(() => new Float64Array(dim));
    const b1 = 0.9, b2 = 0.999;
    let loss = Infinity;
    for (let t = 1; t <= iters; t++) {
      const r = matchingLossAndGradient(m, xs, o.labels, observed, on);
      loss = r.loss;
      const lr = lr0 * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / iters));
      for (let k = 0; k < B; k++) {
        const g = r.inputGrads[k];
        if (tvw > 0) addTotalVariation(xs[k], o.height, o.width, tvw, g);
        const x = xs[k];
        for (let i = 0; i < dim; i++) {
          m1[k][i] = b1 * m1[k][i] + (1 - b1) * g[i];
          m2[k][i] = b2 * m2[k][i] + (1 - b2) * g[i] * g[i];
          const mh = m1[k][i] / (1 - b1 ** t);
          const vh = m2[k][i] / (1 - b2 ** t);
          x[i] = Math.min(1, Math.max(0, x[i] - (lr * mh) / (Math.sqrt(vh) + 1e-8)));
        }
      }
    }
    if (!best || loss < best.loss) best = { images: xs, loss };
  }
  return best!;
}
