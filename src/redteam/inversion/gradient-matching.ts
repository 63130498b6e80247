import type { Activation } from '../../core/model-spec.js';
import type { AttackModel, FlatGradients } from './mlp-model.js';

/** f(z), f'(z), f''(z) of an activation. */
function act(a: Activation, z: number): [number, number, number] {
  switch (a) {
    case 'linear':
      return [z, 1, 0];
    case 'relu':
      return z > 0 ? [z, 1, 0] : [0, 0, 0];
    case 'tanh': {
      const t = Math.tanh(z);
      const d = 1 - t * t;
      return [t, d, -2 * t * d];
    }
    case 'sigmoid': {
      const s = 1 / (1 + Math.exp(-z));
      const d = s * (1 - s);
      return [s, d, d * (1 - 2 * s)];
    }
  }
}

interface Trace {
  /** a[l]: input of layer l (a[0] = x). */
  readonly a: Float64Array[];
  readonly d1: Float64Array[];
  readonly d2: Float64Array[];
  /** delta[l] = d(mean loss)/d z_l for this example. */
  readonly delta: Float64Array[];
  /** e[l] = W_{l+1}^T delta[l+1] (so delta[l] = f'(z_l) * e[l]); last layer: unused. */
  readonly e: Float64Array[];
  /** Output probabilities (softmax) or P(y = 1) (sigmoid). */
  readonly p: Float64Array;
}

function trace(m: AttackModel, x: Float64Array, label: number, batch: number): Trace {
  const L = m.layers.length;
  const a: Float64Array[] = [x];
  const d1: Float64Array[] = [];
  const d2: Float64Array[] = [];
  let z = x;
  for (let l = 0; l < L; l++) {
    const { w, b, inDim, outDim, activation } = m.layers[l];
    z = new Float64Array(outDim);
    const f1 = new Float64Array(outDim), f2 = new Float64Array(outDim), out = new Float64Array(outDim);
    const prev = a[l];
    for (let o = 0; o < outDim; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0, r = o * inDim; i < inDim; i++) s += w[r + i] * prev[i];
      const [f, g, h] = act(activation, s);
      z[o] = s; out[o] = f; f1[o] = g; f2[o] = h;
    }
    d1.push(f1); d2.push(f2);
    if (l < L - 1) a.push(out);
  }
  const logits = z;
  let p: Float64Array;
  const top = new Float64Array(logits.length);
  if (m.loss === 'sigmoid_cross_entropy') {
    p = Float64Array.of(1 / (1 + Math.exp(-logits[0])));
    top[0] = (p[0] - label) / batch;
  } else {
    const mx = Math.max(...logits);
    const ex = logits.map((v) => Math.exp(v - mx));
    const s = ex.reduce((u, v) => u + v, 0);
    p = ex.map((v) => v / s);
    for (let c = 0; c < p.length; c++) top[c] = (p[c] - (c === label ? 1 : 0)) / batch;
  }
  const delta: Float64Array[] = new Array(L);
  const e: Float64Array[] = new Array(L);
  delta[L - 1] = top;
  for (let l = L - 2; l >= 0; l--) {
    const { w, inDim, outDim } = m.layers[l + 1];
    const el = new Float64Array(inDim);
    const dn = delta[l + 1];
    for (let o = 0; o < outDim; o++) for (let i = 0, r = o * inDim; i < inDim; i++) el[i] += w[r + i] * dn[o];
    e[l] = el;
    delta[l] = el.map((v, i) => v * d1[l][i]);
  }
  return { a, d1, d2, delta, e, p };
}

/** Gradient of the mean loss over a batch with respect to every parameter (attack-model order). */
export function modelGradients(m: AttackModel, xs: readonly Float64Array[], labels: readonly number[]): { grads: FlatGradients; traces: Trace[] } {
  const grads: FlatGradients = [];
  for (const l of m.layers) {
    grads.push(new Float64Array(l.w.length));
    if (l.b) grads.push(new Float64Array(l.outDim));
  }
  const traces = xs.map((x, i) => trace(m, x, labels[i], xs.length));
  for (const t of traces) {
    let k = 0;
    m.layers.forEach((l, li) => {
      const gw = grads[k++];
      const dl = t.delta[li], al = t.a[li];
      for (let o = 0; o < l.outDim; o++) for (let i = 0, r = o * l.inDim; i < l.inDim; i++) gw[r + i] += dl[o] * al[i];
      if (l.b) {
        const gb = grads[k++];
        for (let o = 0; o < l.outDim; o++) gb[o] += dl[o];
      }
    });
  }
  return { grads, traces };
}

function dot(a: FlatGradients, b: FlatGradients): number {
  let s = 0;
  for (let t = 0; t < a.length; t++) for (let i = 0; i < a[t].length; i++) s += a[t][i] * b[t][i];
  return s;
}

/**
 * Geiping et al. (2020)'s gradient-matching loss 1 - cos(grad(x), observed) and its exact
 * gradient with respect to every dummy input x. The derivative of a gradient is second order;
 * for an MLP it is written out here: a reverse pass over the model's own backward pass (see
 * docs/red-team.md), checked against finite differences in the tests.
 */
export function matchingLossAndGradient(
  m: AttackModel,
  xs: readonly Float64Array[],
  labels: readonly number[],
  observed: FlatGradients,
  observedNorm = Math.sqrt(dot(observed, observed)),
): { loss: number; inputGrads: Float64Array[] } {
  const { grads, traces } = modelGradients(m, xs, labels);
  const gn = Math.sqrt(dot(grads, grads)) || 1e-30;
  const on = observedNorm || 1e-30;
  const cos = dot(grads, observed) / (gn * on);
  // R = dLoss/dG = -(G*/(|G||G*|) - cos G/|G|^2)
  const R = grads.map((g, t) => g.map((v, i) => -(observed[t][i] / (gn * on) - (cos * v) / (gn * gn))));
  const B = xs.length;
  const L = m.layers.length;
  const inputGrads = traces.map((tr) => {
    const u: Float64Array[] = [];
    const v: Float64Array[] = [];
    let k = 0;
    for (let l = 0; l < L; l++) {
      const { inDim, outDim, b } = m.layers[l];
      const rw = R[k++];
      const rb = b ? R[k++] : null;
      const ul = new Float64Array(outDim), vl = new Float64Array(inDim);
      const al = tr.a[l], dl = tr.delta[l];
      for (let o = 0; o < outDim; o++) {
        let s = rb ? rb[o] : 0;
        for (let i = 0, r = o * inDim; i < inDim; i++) {
          s += rw[r + i] * al[i];
          vl[i] += rw[r + i] * dl[o];
        }
        ul[o] = s;
      }
      u.push(ul); v.push(vl);
    }
    // Adjoints of the backward pass's deltas, first layer upward.
    const dbar: Float64Array[] = [u[0]];
    for (let l = 1; l < L; l++) {
      const { w, inDim, outDim } = m.layers[l];
      const src = dbar[l - 1].map((val, i) => val * tr.d1[l - 1][i]);
      const out = Float64Array.from(u[l]);
      for (let o = 0; o < outDim; o++) for (let i = 0, r = o * inDim; i < inDim; i++) out[o] += w[r + i] * src[i];
      dbar.push(out);
    }
    // Adjoint of the logits through delta_L = (p - y) / B.
    const top = dbar[L - 1];
    let zbar: Float64Array;
    if (m.loss === 'sigmoid_cross_entropy') {
      zbar = Float64Array.of((tr.p[0] * (1 - tr.p[0]) * top[0]) / B);
    } else {
      let pd = 0;
      for (let c = 0; c < top.length; c++) pd += tr.p[c] * top[c];
      zbar = tr.p.map((pc, c) => (pc * (top[c] - pd)) / B);
    }
    // Back down through the forward pass.
    for (let l = L - 1; l >= 0; l--) {
      const { w, inDim, outDim } = m.layers[l];
      const abar = Float64Array.from(v[l]);
      for (let o = 0; o < outDim; o++) for (let i = 0, r = o * inDim; i < inDim; i++) abar[i] += w[r + i] * zbar[o];
      if (l === 0) return abar;
      zbar = abar.map((val, i) => tr.d1[l - 1][i] * val + tr.d2[l - 1][i] * tr.e[l - 1][i] * dbar[l - 1][i]);
    }
    throw new Error('unreachable');
  });
  return { loss: 1 - cos, inputGrads };
}

/** The attack model's output probabilities for one input (softmax, or P(y = 1) for sigmoid). */
export function probabilities(m: AttackModel, x: Float64Array): Float64Array {
  return trace(m, x, 0, 1).p;
}
