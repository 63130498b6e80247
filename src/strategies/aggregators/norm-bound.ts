import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Tensor, Weights } from '../../core/tensors.js';
import { checkUpdates } from './check-updates.js';
import { participants } from './coordinatewise.js';
import type { AggregationContext, Aggregator, WeightedUpdate } from './types.js';

export interface NormBoundOptions {
  /** Largest L2 norm an update's delta from the global model keeps (over all its tensors), > 0. */
  readonly bound: number;
}

/**
 * Norm bounding (Sun et al. 2019, "Can You Really Backdoor Federated Learning?"): every update's
 * delta δ_i = y_i − x from the global model x is scaled to norm at most M,
 * δ_i ← δ_i · min(1, M / ‖δ_i‖₂), and the new model is x + Σ w_i·δ_i / Σ w_i (float64, stored as
 * float32). With equal weights one update moves the result by at most M/n, however it was scaled.
 * Needs `context.global`. Updates with weight 0 take no part.
 */
export function normBound(options: NormBoundOptions): Aggregator {
  const { bound } = options;
  if (!(Number.isFinite(bound) && bound > 0)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `norm-bound: bound = ${bound}; it must be a finite number > 0`, { where: 'options.bound' });
  }
  return (updates: readonly WeightedUpdate[], context?: AggregationContext): Map<string, Tensor> => {
    const total = checkUpdates(updates, 'norm-bound');
    const global = checkGlobal(updates[0].weights, context?.global);
    const taking = participants(updates);
    const factors = taking.map((u) => {
      const norm = deltaNorm(u.weights, global);
      return norm > bound ? bound / norm : 1;
    });
    const out = new Map<string, Tensor>();
    for (const [name, ref] of updates[0].weights) {
      const g = global.get(name)!;
      const acc = new Float64Array(g.data.length);
      taking.forEach((u, j) => {
        const c = (u.weight * factors[j]) / total;
        const y = u.weights.get(name)!.data;
        for (let i = 0; i < acc.length; i++) acc[i] += c * (y[i] - g.data[i]);
      });
      out.set(name, { shape: [...ref.shape], data: Float32Array.from(acc, (v, i) => g.data[i] + v) });
    }
    return out;
  };
}

/** ‖y − x‖₂ over all tensors, in float64. */
export function deltaNorm(y: Weights, x: Weights): number {
  let s = 0;
  for (const [name, t] of x) {
    const u = y.get(name)!.data;
    for (let i = 0; i < u.length; i++) s += (u[i] - t.data[i]) * (u[i] - t.data[i]);
  }
  return Math.sqrt(s);
}

function checkGlobal(reference: Weights, global: Weights | undefined): Weights {
  if (!global) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'norm-bound: no global model given; it clips each update\'s delta from the global model', {
      where: 'context.global',
      hint: 'call the aggregator with { global } (the norm-bound strategy does)',
    });
  }
  for (const [name, t] of reference) {
    const g = global.get(name);
    if (!g || g.data.length !== t.data.length) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `norm-bound: the global model ${g ? `has ${g.data.length} values in` : 'lacks'} tensor "${name}"${g ? `, the updates ${t.data.length}` : ''}`, {
        where: `context.global["${name}"]`,
      });
    }
  }
  for (const name of global.keys()) {
    if (!reference.has(name)) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `norm-bound: the global model has tensor "${name}" that the updates lack`, { where: `context.global["${name}"]` });
    }
  }
  return global;
}
