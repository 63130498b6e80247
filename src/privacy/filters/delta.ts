import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { assertSameLayout, type Tensor } from '../../core/tensors.js';
import type { FilterInput } from './types.js';

/** Per-tensor deltas y − x in float64, in the weights' order. */
export type Delta = Map<string, Float64Array>;

/**
 * The update's delta after checking that weights and global have the same names and shapes
 * (SHAPE_MISMATCH) and hold only finite values (NUMERIC_DIVERGENCE), naming the filter.
 */
export function deltaOf(filter: string, update: FilterInput): Delta {
  assertSameLayout(update.global, update.weights, `${filter}: the update`);
  const out: Delta = new Map();
  for (const [name, t] of update.weights) {
    const g = update.global.get(name)!.data;
    const d = new Float64Array(t.data.length);
    for (let i = 0; i < d.length; i++) {
      d[i] = t.data[i] - g[i];
      if (!Number.isFinite(d[i])) {
        throw new MedfedError(ErrorCodes.NUMERIC_DIVERGENCE, `${filter}: tensor "${name}" holds a non-finite value at index ${i}`, {
          where: name,
          hint: 'local training diverged; nothing should leave the site',
        });
      }
    }
    out.set(name, d);
  }
  return out;
}

/**
 * Full weights x + filtered delta, as float32. Where the delta is unchanged the trained value is
 * copied exactly; a zero delta gives the global value exactly.
 */
export function weightsFromDelta(update: FilterInput, delta: Delta): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of update.weights) {
    const g = update.global.get(name)!.data;
    const d = delta.get(name)!;
    const data = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) data[i] = d[i] === t.data[i] - g[i] ? t.data[i] : g[i] + d[i];
    out.set(name, { shape: [...t.shape], data });
  }
  return out;
}

/** Global L2 norm of a delta. */
export function deltaNorm(delta: Delta): number {
  let s = 0;
  for (const d of delta.values()) for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return Math.sqrt(s);
}

/** Number of values in a delta. */
export function deltaSize(delta: Delta): number {
  let n = 0;
  for (const d of delta.values()) n += d.length;
  return n;
}

/** Every |delta| value, tensors in order, flattened. */
export function absoluteValues(delta: Delta): Float64Array {
  const out = new Float64Array(deltaSize(delta));
  let k = 0;
  for (const d of delta.values()) for (let i = 0; i < d.length; i++) out[k++] = Math.abs(d[i]);
  return out;
}
