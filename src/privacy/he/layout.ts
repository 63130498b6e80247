import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { assertSameLayout, sizeOf, type Tensor, type Weights } from '../../core/tensors.js';
import { utf8 } from '../secagg/bytes.js';

/**
 * The canonical order in which a named-tensor update is flattened into CKKS slots: the order of
 * the reference weights (the global model's, i.e. the model spec's parameter order), each tensor
 * row-major. Every party derives it from the same global weights; the fingerprint travels in every
 * message so that a site with another layout is refused instead of summed.
 */
export interface HeLayout {
  readonly entries: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number; readonly size: number }[];
  readonly total: number;
  /** First 16 bytes of SHA-256 over the names and shapes. */
  readonly fingerprint: Uint8Array;
}

export function heLayout(reference: Weights): HeLayout {
  let offset = 0;
  const entries = [...reference].map(([name, t]) => {
    const e = { name, shape: [...t.shape], offset, size: sizeOf(t.shape) };
    offset += e.size;
    return e;
  });
  if (offset === 0) throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, 'cannot encrypt an update with no parameters', { where: 'privacy/he' });
  const text = entries.map((e) => `${e.name}:${e.shape.join('x')}`).join('\n');
  return { entries, total: offset, fingerprint: sha256(utf8(text)).slice(0, 16) };
}

/** Number of ciphertexts an update of this layout takes. */
export function ciphertextCount(layout: HeLayout, slots: number): number {
  return Math.ceil(layout.total / slots);
}

/** Flatten `update` (same names and shapes as the layout, any insertion order) in the canonical order. */
export function flatten(layout: HeLayout, update: Weights): Float64Array {
  const reference = new Map(layout.entries.map((e) => [e.name, { shape: e.shape, data: new Float32Array(0) }]));
  assertSameLayout(reference, update, 'encrypted update');
  const out = new Float64Array(layout.total);
  for (const e of layout.entries) out.set(update.get(e.name)!.data, e.offset);
  return out;
}

/** Named float32 tensors from flat values in the canonical order. */
export function unflatten(layout: HeLayout, values: Float64Array): Map<string, Tensor> {
  if (values.length < layout.total) throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `need ${layout.total} values to unpack, got ${values.length}`, { where: 'privacy/he' });
  const out = new Map<string, Tensor>();
  for (const e of layout.entries) out.set(e.name, { shape: [...e.shape], data: Float32Array.from(values.subarray(e.offset, e.offset + e.size)) });
  return out;
}
