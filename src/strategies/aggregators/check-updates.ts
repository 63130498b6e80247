import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { sameShape } from '../../core/tensors.js';
import type { WeightedUpdate } from './types.js';

/**
 * Preconditions every aggregator shares: at least one update, finite non-negative weights with a
 * positive total, and every update with exactly the names and shapes of the first one.
 * Returns the total weight.
 */
export function checkUpdates(updates: readonly WeightedUpdate[], aggregator: string): number {
  if (updates.length === 0) {
    throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `${aggregator}: no updates to aggregate`, {
      hint: 'aggregate only after at least one site has replied',
    });
  }
  let total = 0;
  updates.forEach((u, i) => {
    if (!Number.isFinite(u.weight) || u.weight < 0) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${aggregator}: update ${i} has weight ${u.weight}; weights must be finite and >= 0`, {
        where: `updates[${i}].weight`,
      });
    }
    total += u.weight;
  });
  if (!(total > 0)) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${aggregator}: all update weights are 0; at least one must be positive`, {
      where: 'updates[*].weight',
    });
  }
  const first = updates[0].weights;
  for (let i = 1; i < updates.length; i++) {
    const w = updates[i].weights;
    for (const [name, t] of first) {
      const u = w.get(name);
      if (!u) throw layoutError(aggregator, i, name, `lacks tensor "${name}"`);
      if (!sameShape(t.shape, u.shape) || u.data.length !== t.data.length) {
        throw layoutError(aggregator, i, name, `tensor "${name}" has shape [${u.shape.join(', ')}], update 0 has [${t.shape.join(', ')}]`);
      }
    }
    for (const name of w.keys()) {
      if (!first.has(name)) throw layoutError(aggregator, i, name, `has tensor "${name}" that update 0 lacks`);
    }
  }
  return total;
}

function layoutError(aggregator: string, i: number, name: string, what: string): MedfedError {
  return new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${aggregator}: update ${i} ${what}`, { where: `updates[${i}].weights["${name}"]` });
}
