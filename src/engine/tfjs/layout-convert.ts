import type { ParamInfo } from '../../core/model-params.js';

/**
 * PyTorch layouts at the interface, TF.js layouts inside:
 *   dense  weight [out, in]            -> [in, out]
 *   conv1d weight [out, in, k]         -> [1, k, in, out]   (run as a conv2d of height 1)
 *   conv2d weight [out, in, kh, kw]    -> [kh, kw, in, out]
 *   conv3d weight [out, in, kd, kh, kw] -> [kd, kh, kw, in, out]
 *   lstm/gru weight_ih_l0 [G*u, in]     -> [in, G*u]
 *   lstm/gru weight_hh_l0 [G*u, u]      -> [u, G*u]
 * Biases and batch-norm tensors are [C] in both.
 */
export function internalShape(p: ParamInfo): number[] {
  const s = p.shape;
  if (isRecurrentWeight(p)) return [s[1], s[0]];
  if (p.role !== 'weight' || p.layerType === 'batchNorm') return [...s];
  switch (p.layerType) {
    case 'dense':
      return [s[1], s[0]];
    case 'conv1d':
      return [1, s[2], s[1], s[0]];
    case 'conv2d':
      return [s[2], s[3], s[1], s[0]];
    case 'conv3d':
      return [s[2], s[3], s[4], s[1], s[0]];
    default:
      return [...s];
  }
}

/** Index permutation: internal[i] = external[perm[i]] (null when both layouts coincide). */
function permutation(p: ParamInfo): Int32Array | null {
  const s = p.shape;
  if (isRecurrentWeight(p)) return transposition(s[0], s[1]);
  if (p.role !== 'weight' || p.layerType === 'batchNorm') return null;
  if (p.layerType === 'dense') return transposition(s[0], s[1]);
  if (p.layerType === 'conv1d' || p.layerType === 'conv2d' || p.layerType === 'conv3d') {
    // [out, in, ...taps] -> [...taps, in, out]; taps flattened row-major (kd*kh*kw, kh*kw or k).
    const [out, inn] = s;
    const taps = s.slice(2).reduce((a, b) => a * b, 1);
    const perm = new Int32Array(out * inn * taps);
    let i = 0;
    for (let t = 0; t < taps; t++)
      for (let c = 0; c < inn; c++) for (let o = 0; o < out; o++) perm[i++] = (o * inn + c) * taps + t;
    return perm;
  }
  return null;
}

/** An lstm/gru weight matrix (stored transposed inside, like a dense weight). */
function isRecurrentWeight(p: ParamInfo): boolean {
  return p.role === 'weight_ih_l0' || p.role === 'weight_hh_l0';
}

/** The permutation that transposes a row-major [rows, cols] matrix. */
function transposition(rows: number, cols: number): Int32Array {
  const perm = new Int32Array(rows * cols);
  for (let i = 0; i < cols; i++) for (let o = 0; o < rows; o++) perm[i * rows + o] = o * cols + i;
  return perm;
}

const cache = new WeakMap<ParamInfo, Int32Array | null>();
function cachedPermutation(p: ParamInfo): Int32Array | null {
  if (!cache.has(p)) cache.set(p, permutation(p));
  return cache.get(p)!;
}

/** PyTorch-layout values -> TF.js-layout values, written into `out`. */
export function toInternal(p: ParamInfo, external: Float32Array, out: Float32Array): void {
  const perm = cachedPermutation(p);
  if (!perm) out.set(external);
  else for (let i = 0; i < perm.length; i++) out[i] = external[perm[i]];
}

/** TF.js-layout values -> a new PyTorch-layout array. */
export function toExternal(p: ParamInfo, internal: Float32Array): Float32Array {
  const perm = cachedPermutation(p);
  if (!perm) return new Float32Array(internal);
  const out = new Float32Array(perm.length);
  for (let i = 0; i < perm.length; i++) out[perm[i]] = internal[i];
  return out;
}
