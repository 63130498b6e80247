import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { ModelLayout } from '../../core/model-params.js';
import { sameShape, sizeOf, type Weights } from '../../core/tensors.js';

/** Positions of the named tensors in layout.params; SHAPE_MISMATCH for an unknown name or wrong shape. */
export function resolveWeights(layout: ModelLayout, weights: Weights, what: string): Map<string, number> {
  const index = new Map<string, number>();
  for (const [name, t] of weights) {
    const i = layout.params.findIndex((p) => p.name === name);
    if (i < 0) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${what} has tensor "${name}", which the model does not have`, {
        where: name,
        hint: `the model's tensors are ${layout.params.map((p) => p.name).join(', ')}`,
      });
    }
    const p = layout.params[i];
    if (!sameShape(t.shape, p.shape) || t.data.length !== sizeOf(p.shape)) {
      throw new MedfedError(
        ErrorCodes.SHAPE_MISMATCH,
        `${what} tensor "${name}" has shape [${t.shape.join(', ')}] (${t.data.length} values), the model needs [${p.shape.join(', ')}]`,
        { where: name, hint: 'weights use PyTorch layouts: dense [out, in], conv2d [out, in, kh, kw], conv1d [out, in, k]' },
      );
    }
    index.set(name, i);
  }
  return index;
}

/** The named tensors' data aligned with `paramIndices` (null where absent), checked. */
export function alignedCopies(layout: ModelLayout, weights: Weights, paramIndices: readonly number[], what: string): (Float32Array | null)[] {
  resolveWeights(layout, weights, what);
  return paramIndices.map((i) => weights.get(layout.params[i].name)?.data.slice() ?? null);
}
