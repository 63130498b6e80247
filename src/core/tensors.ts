import { ErrorCodes, MedfedError } from './errors.js';

/** A dense float32 tensor, row-major (C order), as on the wire and in safetensors. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Named float tensors: a model's weights, an update, a control variate.
 * Insertion order is the canonical order (the model spec's parameter order).
 * Names and layouts follow PyTorch's `nn.Sequential` state_dict: `"<layer index>.weight"`,
 * dense weight [out, in], conv weight [out, in, ...kernel], so PyTorch sites read the same bytes.
 */
export type Weights = ReadonlyMap<string, Tensor>;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(shape: readonly number[], data?: Float32Array | number[]): Tensor {
  const n = sizeOf(shape);
  const arr = data === undefined ? new Float32Array(n) : data instanceof Float32Array ? data : Float32Array.from(data);
  if (arr.length !== n) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `tensor of shape [${shape.join(', ')}] needs ${n} values, got ${arr.length}`);
  }
  return { shape: [...shape], data: arr };
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws SHAPE_MISMATCH unless `b` has exactly the names and shapes of `a`. */
export function assertSameLayout(a: Weights, b: Weights, what = 'update'): void {
  for (const [name, t] of a) {
    const u = b.get(name);
    if (!u) throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${what} lacks tensor "${name}"`, { where: name });
    if (!sameShape(t.shape, u.shape)) {
      throw new MedfedError(
        ErrorCodes.SHAPE_MISMATCH,
        `${what} tensor "${name}" has shape [${u.shape.join(', ')}], expected [${t.shape.join(', ')}]`,
        { where: name },
      );
    }
  }
  for (const name of b.keys()) {
    if (!a.has(name)) throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${what} has unexpected tensor "${name}"`, { where: name });
  }
}

export function cloneWeights(w: Weights): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, t] of w) out.set(k, { shape: [...t.shape], data: new Float32Array(t.data) });
  return out;
}

/** Same names and shapes as `w`, all zeros. */
export function zerosLike(w: Weights): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, t] of w) out.set(k, { shape: [...t.shape], data: new Float32Array(t.data.length) });
  return out;
}

/** Element-wise a - b for every tensor (same layout required). */
export function subtractWeights(a: Weights, b: Weights): Map<string, Tensor> {
  assertSameLayout(a, b);
  const out = new Map<string, Tensor>();
  for (const [k, t] of a) {
    const u = b.get(k)!.data;
    const d = new Float32Array(t.data.length);
    for (let i = 0; i < d.length; i++) d[i] = t.data[i] - u[i];
    out.set(k, { shape: [...t.shape], data: d });
  }
  return out;
}

/** Total number of scalars. */
export function parameterCount(w: Weights): number {
  let n = 0;
  for (const t of w.values()) n += t.data.length;
  return n;
}

/** Global L2 norm over all tensors. */
export function l2Norm(w: Weights): number {
  let s = 0;
  for (const t of w.values()) for (let i = 0; i < t.data.length; i++) s += t.data[i] * t.data[i];
  return Math.sqrt(s);
}

export function allFinite(w: Weights): boolean {
  for (const t of w.values()) for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i])) return false;
  return true;
}
