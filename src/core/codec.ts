import { ErrorCodes, MedfedError } from './errors.js';
import type { ModelLayout } from './model-params.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { sameShape, type Tensor, type Weights } from './tensors.js';

/** Weights → safetensors bytes for a message. */
export function packWeights(w: Weights): Uint8Array {
  return encodeSafetensors(w);
}

/** safetensors bytes → weights in any order (for strategy extras whose layout the strategy checks). */
export function unpackWeights(bytes: Uint8Array, source = 'message'): Map<string, Tensor> {
  return decodeSafetensors(bytes, source).tensors;
}

/**
 * safetensors bytes → weights in the model's parameter order, checked against the layout:
 * every parameter present with its shape, nothing else. `subset` allows a subset of the
 * parameters (e.g. control variates of trainable tensors only).
 */
export function unpackModelWeights(bytes: Uint8Array, layout: ModelLayout, source: string, subset = false): Map<string, Tensor> {
  const got = decodeSafetensors(bytes, source).tensors;
  const out = new Map<string, Tensor>();
  for (const p of layout.params) {
    const t = got.get(p.name);
    if (!t) {
      if (subset) continue;
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${source} lacks tensor "${p.name}"`, { where: source });
    }
    if (!sameShape(t.shape, p.shape)) {
      throw new MedfedError(
        ErrorCodes.SHAPE_MISMATCH,
        `${source}: tensor "${p.name}" has shape [${t.shape.join(', ')}], the model expects [${p.shape.join(', ')}]`,
        { where: source },
      );
    }
    out.set(p.name, t);
    got.delete(p.name);
  }
  if (got.size > 0) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${source} has tensors the model does not: ${[...got.keys()].join(', ')}`, { where: source });
  }
  return out;
}

export function packExtras(extra: Readonly<Record<string, Weights>>): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [k, w] of Object.entries(extra)) out[k] = encodeSafetensors(w);
  return out;
}

export function unpackExtras(extra: Readonly<Record<string, Uint8Array>>, source: string): Record<string, Map<string, Tensor>> {
  const out: Record<string, Map<string, Tensor>> = {};
  for (const [k, b] of Object.entries(extra)) out[k] = decodeSafetensors(b, `${source} extra "${k}"`).tensors;
  return out;
}
