import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { assertSameLayout, sizeOf, tensor, type Weights } from '../../core/tensors.js';

/** Tensor names in the order SecAgg+ vectors hold them (by name: every party derives the same order). */
function orderOf(w: Weights): string[] {
  return [...w.keys()].sort();
}

/** Values of a vector of this model: the sum of every tensor's size. */
export function vectorLength(w: Weights): number {
  let n = 0;
  for (const t of w.values()) n += sizeOf(t.shape);
  return n;
}

/**
 * factor · (local − global) over all tensors, names sorted, each value clipped to ±clipRange
 * (the quantiser's range; `clipped` counts the values that were cut, so a site can see it).
 */
export function flattenDelta(local: Weights, global: Weights, factor: number, clipRange: number): { vector: Float64Array; clipped: number } {
  assertSameLayout(local, global, 'update for secure aggregation');
  if (!(factor > 0 && Number.isFinite(factor))) {
    throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `secure-aggregation weight factor must be positive and finite, got ${factor}`);
  }
  const vector = new Float64Array(vectorLength(global));
  let at = 0;
  let clipped = 0;
  for (const name of orderOf(global)) {
    const a = local.get(name)!.data;
    const b = global.get(name)!.data;
    for (let i = 0; i < b.length; i++) {
      let v = factor * (a[i] - b[i]);
      if (!Number.isFinite(v)) {
        throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `tensor "${name}" of the update has a non-finite value at ${i}`, {
          hint: 'lower the learning rate: a diverged update cannot be aggregated',
        });
      }
      if (v > clipRange) {
        v = clipRange;
        clipped++;
      } else if (v < -clipRange) {
        v = -clipRange;
        clipped++;
      }
      vector[at++] = v;
    }
  }
  return { vector, clipped };
}

/** global + scale · sum, back to named tensors (the inverse order of flattenDelta). */
export function addScaledVector(global: Weights, sum: ArrayLike<number>, scale: number): Map<string, ReturnType<typeof tensor>> {
  const expected = vectorLength(global);
  if (sum.length !== expected) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `the secure sum has ${sum.length} values, the model ${expected}`);
  }
  const out = new Map<string, ReturnType<typeof tensor>>();
  let at = 0;
  for (const name of orderOf(global)) {
    const g = global.get(name)!;
    const data = new Float32Array(g.data.length);
    for (let i = 0; i < data.length; i++) data[i] = g.data[i] + scale * sum[at++];
    out.set(name, tensor(g.shape, data));
  }
  // keep the model's own tensor order
  return new Map([...global.keys()].map((k) => [k, out.get(k)!]));
}
