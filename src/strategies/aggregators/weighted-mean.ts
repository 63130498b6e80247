import type { Tensor } from '../../core/tensors.js';
import { checkUpdates } from './check-updates.js';
import type { WeightedUpdate } from './types.js';

/**
 * Σ w_i·x_i / Σ w_i for every tensor, accumulated in float64 (so integer weights and identical
 * inputs give the inputs back exactly) and stored as float32. Updates with weight 0 take no part.
 */
export function weightedMean(updates: readonly WeightedUpdate[]): Map<string, Tensor> {
  const total = checkUpdates(updates, 'weightedMean');
  const out = new Map<string, Tensor>();
  for (const [name, ref] of updates[0].weights) {
    const acc = new Float64Array(ref.data.length);
    for (const u of updates) {
      if (u.weight === 0) continue;
      const d = u.weights.get(name)!.data;
      for (let i = 0; i < acc.length; i++) acc[i] += u.weight * d[i];
    }
    const data = new Float32Array(acc.length);
    for (let i = 0; i < acc.length; i++) data[i] = acc[i] / total;
    out.set(name, { shape: [...ref.shape], data });
  }
  return out;
}
