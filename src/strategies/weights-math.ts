import type { ModelLayout } from '../core/model-params.js';
import type { Tensor, Weights } from '../core/tensors.js';

/** Names of the tensors the optimizer updates (control variates and server moments cover only these). */
export function trainableNames(layout: ModelLayout): string[] {
  return layout.params.filter((p) => p.trainable).map((p) => p.name);
}

/** The named tensors of `w` (shared, not copied), in the order of `names`. */
export function pickTensors(w: Weights, names: readonly string[]): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const n of names) {
    const t = w.get(n);
    if (t) out.set(n, t);
  }
  return out;
}

/** `base` with every tensor that `over` also holds taken from `over` (tensors shared, base order). */
export function overlayTensors(base: Weights, over: Weights): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [n, t] of base) out.set(n, over.get(n) ?? t);
  return out;
}

/** Same shapes as `layout`'s named params, every value `fill`. */
export function filledTensors(layout: ModelLayout, names: readonly string[], fill: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const p of layout.params) {
    if (!names.includes(p.name)) continue;
    const data = new Float32Array(p.shape.reduce((a, d) => a * d, 1));
    if (fill !== 0) data.fill(fill);
    out.set(p.name, { shape: [...p.shape], data });
  }
  return out;
}

/** f(a, b) element-wise over `a`'s tensors; `b` must hold the same names and sizes. */
export function zip2(a: Weights, b: Weights, f: (x: number, y: number) => number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [n, t] of a) {
    const u = b.get(n)!.data;
    const data = new Float32Array(t.data.length);
    for (let i = 0; i < data.length; i++) data[i] = f(t.data[i], u[i]);
    out.set(n, { shape: [...t.shape], data });
  }
  return out;
}

/** f(a, b, c) element-wise over `a`'s tensors. */
export function zip3(a: Weights, b: Weights, c: Weights, f: (x: number, y: number, z: number) => number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [n, t] of a) {
    const u = b.get(n)!.data;
    const v = c.get(n)!.data;
    const data = new Float32Array(t.data.length);
    for (let i = 0; i < data.length; i++) data[i] = f(t.data[i], u[i], v[i]);
    out.set(n, { shape: [...t.shape], data });
  }
  return out;
}
