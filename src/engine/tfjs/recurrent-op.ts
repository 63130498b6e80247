import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';

/**
 * LSTM and GRU layers (PyTorch nn.LSTM / nn.GRU semantics, batch first, one layer, zero initial
 * state) as one tf.customGrad op each, with backpropagation through time written by hand (tfjs-core
 * registers no gradients). Weights in the TF.js layouts of layout-convert.ts: weight_ih [F, G*u],
 * weight_hh [u, G*u] (PyTorch's transposed), biases [G*u]; gate blocks in PyTorch's order (LSTM
 * i, f, g, o; GRU r, z, n). The input projection of every step is one matmul over the whole
 * sequence; each step then runs one [n, u] x [u, G*u] matmul and a few element-wise kernels.
 * Everything the backward pass needs is derived once per sequence at the end of the forward pass
 * (in training mode only), so each backward step is a handful of element-wise kernels and one matmul.
 */

export interface RecurrentWeights {
  readonly wih: tf.Tensor2D;
  readonly whh: tf.Tensor2D;
  readonly bih: tf.Tensor1D;
  readonly bhh: tf.Tensor1D;
}

export interface RecurrentConfig {
  readonly type: 'lstm' | 'gru';
  readonly returnSequences: boolean;
  /** Training mode: the op records its gradient; otherwise a plain forward pass. */
  readonly training: boolean;
  /** Whether the layer input x needs a gradient (a layer with weights came before). */
  readonly needX: boolean;
}

/** The layer over x [n, L, F]: [n, u] (last step) or [n, L, u] (every step). */
export function recurrentOp(x: tf.Tensor, w: RecurrentWeights, c: RecurrentConfig): tf.Tensor {
  const pass = c.type === 'lstm' ? lstmPass : gruPass;
  if (!c.training) return pass(x as tf.Tensor3D, w, c.returnSequences, null).value;
  const inputs = [...(c.needX ? [x] : []), w.wih, w.whh, w.bih, w.bhh];
  return customOp(inputs, (save) => pass(x as tf.Tensor3D, w, c.returnSequences, { save, needX: c.needX }));
}

interface Recording {
  readonly save: (ts: tf.Tensor[]) => void;
  readonly needX: boolean;
}

interface Pass {
  readonly value: tf.Tensor;
  readonly backward: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
}

/** x [n, L, F] as time-major rows [L*n, F] (row t*n + b is example b at step t). */
function timeMajorRows(x: tf.Tensor3D): tf.Tensor2D {
  const [n, len, f] = x.shape;
  return tf.reshape(n === 1 ? x : tf.transpose(x, [1, 0, 2]), [len * n, f]);
}

/** The layer output from the per-step hidden states. */
function output(hs: tf.Tensor[], returnSequences: boolean): tf.Tensor {
  return returnSequences ? tf.stack(hs, 1) : hs[hs.length - 1];
}

/** dy of the output as one [n, u] gradient per step (null where the output has none). */
function stepGradients(dy: tf.Tensor, len: number, returnSequences: boolean): (tf.Tensor | null)[] {
  if (returnSequences) return tf.unstack(dy, 1);
  return Array.from({ length: len }, (_, t) => (t === len - 1 ? dy : null));
}

/** The input-side gradients from the pre-activation gradients of every step (time-major rows). */
function inputGradients(
  xShape: [number, number, number],
  xs: tf.Tensor,
  wih: tf.Tensor,
  hPrev: tf.Tensor,
  dGi: tf.Tensor2D,
  dGh: tf.Tensor2D,
  needX: boolean,
): tf.Tensor[] {
  const [n, len, f] = xShape;
  const grads: tf.Tensor[] = [];
  if (needX) {
    const dx = tf.reshape(tf.matMul(dGi, wih as tf.Tensor2D, false, true), [len, n, f]);
    grads.push(n === 1 ? tf.reshape(dx, xShape) : tf.transpose(dx, [1, 0, 2]));
  }
  grads.push(tf.matMul(xs as tf.Tensor2D, dGi, true, false));
  grads.push(tf.matMul(hPrev as tf.Tensor2D, dGh, true, false));
  grads.push(tf.sum(dGi, 0), tf.sum(dGh, 0));
  return grads;
}

/** s * (1 - s): the sigmoid's derivative from its output. */
const sigmoidSlope = (s: tf.Tensor) => tf.mul(s, tf.sub(1, s));
/** 1 - t^2: tanh's derivative from its output. */
const tanhSlope = (t: tf.Tensor) => tf.sub(1, tf.square(t));

/**
 * LSTM: a = x W_ih + b_ih + h W_hh + b_hh; i, f, o = sigmoid, g = tanh of its four blocks;
 * c' = f c + i g; h' = o tanh(c').
 */
function lstmPass(x: tf.Tensor3D, w: RecurrentWeights, returnSequences: boolean, rec: Recording | null): Pass {
  const [n, len] = x.shape;
  const u = w.whh.shape[0];
  const xs = timeMajorRows(x);
  const xw = tf.unstack(tf.reshape(tf.add(tf.matMul(xs, w.wih), tf.add(w.bih, w.bhh)), [len, n, 4 * u]));
  const is: tf.Tensor[] = [], fs: tf.Tensor[] = [], gs: tf.Tensor[] = [], os: tf.Tensor[] = [], cs: tf.Tensor[] = [], tcs: tf.Tensor[] = [];
  const hs: tf.Tensor[] = [];
  let h: tf.Tensor | null = null;
  let cell: tf.Tensor | null = null;
  for (let t = 0; t < len; t++) {
    const a: tf.Tensor = h === null ? xw[t] : tf.add(xw[t], tf.matMul(h as tf.Tensor2D, w.whh));
    const [ai, af, ag, ao]: tf.Tensor[] = tf.split(a, 4, 1);
    const i = tf.sigmoid(ai);
    const f = tf.sigmoid(af);
    const g = tf.tanh(ag);
    const o: tf.Tensor = tf.sigmoid(ao);
    cell = cell === null ? tf.mul(i, g) : tf.add(tf.mul(f, cell), tf.mul(i, g));
    const tc = tf.tanh(cell);
    h = tf.mul(o, tc);
    is.push(i), fs.push(f), gs.push(g), os.push(o), cs.push(cell), tcs.push(tc), hs.push(h);
  }
  const value = output(hs, returnSequences);
  if (rec === null) return { value, backward: () => [] };

  // Per step, everything a backward step multiplies by (stacked [L, n, .]):
  //   dc = dc' + dh * o (1 - tanh(c)^2)                                       (p)
  //   da = [dc, dc, dc, dh] * [g i(1-i), c_prev f(1-f), i (1-g^2), tanh(c) o(1-o)]   (q)
  const zeros = tf.zeros([n, u]);
  const [I, F, G, O, TC] = [is, fs, gs, os, tcs].map((l) => tf.stack(l));
  const cPrev = tf.stack([zeros, ...cs.slice(0, len - 1)]);
  const hPrev = tf.reshape(tf.stack([zeros, ...hs.slice(0, len - 1)]), [len * n, u]);
  const p = tf.mul(O, tanhSlope(TC));
  const q = tf.concat([tf.mul(G, sigmoidSlope(I)), tf.mul(cPrev, sigmoidSlope(F)), tf.mul(I, tanhSlope(G)), tf.mul(TC, sigmoidSlope(O))], 2);
  rec.save([xs, w.wih, w.whh, hPrev, F, p, q]);
  return {
    value,
    backward: (dy, [xsS, wihS, whhS, hPrevS, fS, pS, qS]) => {
      const dys = stepGradients(dy, len, returnSequences);
      const [fT, pT, qT] = [fS, pS, qS].map((s) => tf.unstack(s));
      const das: tf.Tensor[] = new Array(len);
      let dhNext: tf.Tensor | null = null;
      let dcNext: tf.Tensor | null = null;
      for (let t = len - 1; t >= 0; t--) {
        const dyT = dys[t];
        const dh: tf.Tensor = dhNext === null ? dyT! : dyT === null ? dhNext : tf.add(dhNext, dyT);
        const dcHere = tf.mul(dh, pT[t]);
        const dc: tf.Tensor = dcNext === null ? dcHere : tf.add(dcNext, dcHere);
        const da: tf.Tensor = tf.mul(tf.concat([dc, dc, dc, dh], 1), qT[t]);
        das[t] = da;
        if (t > 0) {
          dcNext = tf.mul(dc, fT[t]);
          dhNext = tf.matMul(da as tf.Tensor2D, whhS as tf.Tensor2D, false, true);
        }
      }
      const dA = tf.concat(das, 0) as tf.Tensor2D;
      return inputGradients(x.shape, xsS, wihS, hPrevS, dA, dA, rec.needX);
    },
  };
}

/**
 * GRU (PyTorch): gi = x W_ih + b_ih, gh = h W_hh + b_hh; r, z = sigmoid(gi + gh) of the first two
 * blocks; n = tanh(gi_n + r gh_n); h' = (1 - z) n + z h.
 */
function gruPass(x: tf.Tensor3D, w: RecurrentWeights, returnSequences: boolean, rec: Recording | null): Pass {
  const [n, len] = x.shape;
  const u = w.whh.shape[0];
  const xs = timeMajorRows(x);
  const gi = tf.unstack(tf.reshape(tf.add(tf.matMul(xs, w.wih), w.bih), [len, n, 3 * u]));
  const rs: tf.Tensor[] = [], zs: tf.Tensor[] = [], ns: tf.Tensor[] = [], ghns: tf.Tensor[] = [];
  const hs: tf.Tensor[] = [];
  let h: tf.Tensor = tf.zeros([n, u]);
  const h0 = h;
  for (let t = 0; t < len; t++) {
    const gh = tf.add(tf.matMul(h as tf.Tensor2D, w.whh), w.bhh);
    const [giRz, giN] = tf.split(gi[t], [2 * u, u], 1);
    const [ghRz, ghN] = tf.split(gh, [2 * u, u], 1);
    const [r, z] = tf.split(tf.sigmoid(tf.add(giRz, ghRz)), 2, 1);
    const nn = tf.tanh(tf.add(giN, tf.mul(r, ghN)));
    h = tf.add(nn, tf.mul(z, tf.sub(h, nn)));
    rs.push(r), zs.push(z), ns.push(nn), ghns.push(ghN), hs.push(h);
  }
  const value = output(hs, returnSequences);
  if (rec === null) return { value, backward: () => [] };

  // Per step (stacked [L, n, u]): da_n = dh * (1-z)(1-n^2); da_r = da_n * gh_n r(1-r);
  // da_z = dh * (h_prev - n) z(1-z); dh_prev = dh z + [da_r, da_z, da_n r] W_hh^T.
  const [R, Z, N, GHN] = [rs, zs, ns, ghns].map((l) => tf.stack(l));
  const hPrev3 = tf.stack([h0, ...hs.slice(0, len - 1)]);
  const bN = tf.mul(tf.sub(1, Z), tanhSlope(N));
  const cR = tf.mul(GHN, sigmoidSlope(R));
  const aZ = tf.mul(tf.sub(hPrev3, N), sigmoidSlope(Z));
  rec.save([xs, w.wih, w.whh, tf.reshape(hPrev3, [len * n, u]), R, Z, bN, cR, aZ]);
  return {
    value,
    backward: (dy, [xsS, wihS, whhS, hPrevS, rS, zS, bS, cS, aS]) => {
      const dys = stepGradients(dy, len, returnSequences);
      const [rT, zT, bT, cT, aT] = [rS, zS, bS, cS, aS].map((s) => tf.unstack(s));
      const dgi: tf.Tensor[] = new Array(len);
      const dgh: tf.Tensor[] = new Array(len);
      let dhNext: tf.Tensor | null = null;
      for (let t = len - 1; t >= 0; t--) {
        const dyT = dys[t];
        const dh: tf.Tensor = dhNext === null ? dyT! : dyT === null ? dhNext : tf.add(dhNext, dyT);
        const daN = tf.mul(dh, bT[t]);
        const daR = tf.mul(daN, cT[t]);
        const daZ = tf.mul(dh, aT[t]);
        dgi[t] = tf.concat([daR, daZ, daN], 1);
        dgh[t] = tf.concat([daR, daZ, tf.mul(daN, rT[t])], 1);
        if (t > 0) dhNext = tf.add(tf.mul(dh, zT[t]), tf.matMul(dgh[t] as tf.Tensor2D, whhS as tf.Tensor2D, false, true));
      }
      return inputGradients(x.shape, xsS, wihS, hPrevS, tf.concat(dgi, 0) as tf.Tensor2D, tf.concat(dgh, 0) as tf.Tensor2D, rec.needX);
    },
  };
}
