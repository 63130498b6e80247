import type { Tensor } from '../../core/tensors.js';
import type { WeightedUpdate } from './types.js';

/**
 * A rule applied to each coordinate on its own: `reduce` gets that coordinate's values from every
 * update sorted ascending, with their weights in the same order, and returns the aggregate value.
 * Updates must be checked (checkUpdates) and have positive weights. Results are stored as float32.
 */
export function coordinatewise(
  updates: readonly WeightedUpdate[],
  reduce: (sortedValues: Float64Array, sortedWeights: Float64Array) => number,
): Map<string, Tensor> {
  const n = updates.length;
  const values = new Float64Array(n);
  const weights = new Float64Array(n);
  const out = new Map<string, Tensor>();
  for (const [name, ref] of updates[0].weights) {
    const columns = updates.map((u) => u.weights.get(name)!.data);
    const data = new Float32Array(ref.data.length);
    for (let i = 0; i < data.length; i++) {
      for (let j = 0; j < n; j++) {
        values[j] = columns[j][i];
        weights[j] = updates[j].weight;
      }
      sortPairs(values, weights);
      data[i] = reduce(values, weights);
    }
    out.set(name, { shape: [...ref.shape], data });
  }
  return out;
}

/** Sort `values` ascending, permuting `weights` alike: insertion sort for the usual few updates, else an index sort. */
export function sortPairs(values: Float64Array, weights: Float64Array): void {
  const n = values.length;
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const v = values[i];
      const w = weights[i];
      let j = i - 1;
      while (j >= 0 && values[j] > v) {
        values[j + 1] = values[j];
        weights[j + 1] = weights[j];
        j--;
      }
      values[j + 1] = v;
      weights[j + 1] = w;
    }
    return;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const v = Float64Array.from(order, (i) => values[i]);
  const w = Float64Array.from(order, (i) => weights[i]);
  values.set(v);
  weights.set(w);
}

/** The updates that take part: those with a positive weight (weight 0 means "no say", as in the mean). */
export function participants(updates: readonly WeightedUpdate[]): WeightedUpdate[] {
  return updates.filter((u) => u.weight > 0);
}
