import type { ModelSpec } from '../../src/core/model-spec.js';

/**
 * A float64 reference of the mean softmax cross-entropy of models made of lstm / gru / flatten /
 * dense (linear) layers, written from PyTorch's nn.LSTM / nn.GRU equations on PyTorch-layout
 * weights, independent of both engines: its central finite differences (step 1e-6) are exact to
 * about 1e-9, tight enough to check float32 gradients at relative error 1e-4.
 */
export type Weights64 = Map<string, Float64Array>;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** One recurrent layer over xs (L steps of F values): L steps of u values (or the last one). */
function recurrent(type: 'lstm' | 'gru', xs: Float64Array[], w: Weights64, path: string, returnSequences: boolean): Float64Array[] {
  const wih = w.get(`${path}.weight_ih_l0`)!;
  const whh = w.get(`${path}.weight_hh_l0`)!;
  const bih = w.get(`${path}.bias_ih_l0`)!;
  const bhh = w.get(`${path}.bias_hh_l0`)!;
  const gates = type === 'lstm' ? 4 : 3;
  const u = bih.length / gates;
  const f = xs[0].length;
  let h = new Float64Array(u);
  let c = new Float64Array(u);
  const out: Float64Array[] = [];
  for (const x of xs) {
    // gi = W_ih x + b_ih, gh = W_hh h + b_hh, both [gates * u].
    const gi = new Float64Array(gates * u);
    const gh = new Float64Array(gates * u);
    for (let r = 0; r < gates * u; r++) {
      let a = bih[r];
      for (let k = 0; k < f; k++) a += wih[r * f + k] * x[k];
      gi[r] = a;
      let b = bhh[r];
      for (let k = 0; k < u; k++) b += whh[r * u + k] * h[k];
      gh[r] = b;
    }
    const next = new Float64Array(u);
    if (type === 'lstm') {
      const cNext = new Float64Array(u);
      for (let j = 0; j < u; j++) {
        const [i, fg, g, o] = [0, 1, 2, 3].map((q) => gi[q * u + j] + gh[q * u + j]);
        cNext[j] = sigmoid(fg) * c[j] + sigmoid(i) * Math.tanh(g);
        next[j] = sigmoid(o) * Math.tanh(cNext[j]);
      }
      c = cNext;
    } else {
      for (let j = 0; j < u; j++) {
        const r = sigmoid(gi[j] + gh[j]);
        const z = sigmoid(gi[u + j] + gh[u + j]);
        const n = Math.tanh(gi[2 * u + j] + r * gh[2 * u + j]);
        next[j] = (1 - z) * n + z * h[j];
      }
    }
    h = next;
    out.push(h);
  }
  return returnSequences ? out : [h];
}

/** Mean softmax cross-entropy of the model on n examples x ([n, L, F] row-major) with class labels y. */
export function referenceLoss(spec: ModelSpec, w: Weights64, x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  const [len, f] = spec.inputShape;
  let total = 0;
  for (let e = 0; e < n; e++) {
    // A value is a list of rows: a sequence [L][F], or one flat row.
    let rows: Float64Array[] = Array.from({ length: len }, (_, t) => Float64Array.from({ length: f }, (_, k) => x[(e * len + t) * f + k]));
    spec.layers.forEach((layer, i) => {
      if (layer.type === 'lstm' || layer.type === 'gru') rows = recurrent(layer.type, rows, w, String(i), layer.returnSequences);
      else if (layer.type === 'flatten') {
        // PyTorch's channels-first order: [u, L] -> index j * L + t.
        const u = rows[0].length;
        rows = [Float64Array.from({ length: u * rows.length }, (_, q) => rows[q % rows.length][Math.floor(q / rows.length)])];
      } else if (layer.type === 'dense') {
        const wt = w.get(`${i}.weight`)!;
        const b = w.get(`${i}.bias`)!;
        const inp = rows[0];
        rows = [Float64Array.from({ length: b.length }, (_, o) => inp.reduce((s, v, k) => s + wt[o * inp.length + k] * v, b[o]))];
      } else throw new Error(`referenceLoss: no layer ${layer.type}`);
    });
    const z = rows[0];
    const max = Math.max(...z);
    const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
    total += lse - z[y[e]];
  }
  return total / n;
}

/** Central finite differences (step h) of referenceLoss with respect to every value of `tensor`. */
export function referenceGradient(spec: ModelSpec, w: Weights64, tensor: string, x: ArrayLike<number>, y: ArrayLike<number>, n: number, h = 1e-6): Float64Array {
  const t = w.get(tensor)!;
  const g = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    t[i] = v + h;
    const up = referenceLoss(spec, w, x, y, n);
    t[i] = v - h;
    const down = referenceLoss(spec, w, x, y, n);
    t[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
