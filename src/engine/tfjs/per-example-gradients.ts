import { backendOf, type TfjsBackendName } from './backend.js';
import type { GradientStep } from './gradient-step.js';
import { tensorMemory } from './tensor-memory.js';

export interface ClippedSum {
  /** Sum over the batch of each example's clipped gradient, per trainable tensor (TF.js layouts). */
  readonly sums: Float64Array[];
  /** Sum of the examples' losses. */
  readonly lossSum: number;
  /** Examples whose gradient norm was already <= clipNorm. */
  readonly unclipped: number;
}

/**
 * Exact per-example gradients: one forward/backward pass per example (a batch of one, so no
 * example's gradient can depend on another's), each clipped to L2 norm <= clipNorm over all
 * trainable tensors jointly (the factor min(1, C / norm) is applied while accumulating in
 * float64), then summed. `dropoutSeed(r)` gives example r its own dropout mask.
 */
export function clippedGradientSum(
  step: GradientStep,
  backend: TfjsBackendName,
  sizes: readonly number[],
  x: Float32Array,
  y: Float32Array,
  m: number,
  clipNorm: number,
  dropoutSeed: (r: number) => number | undefined,
): ClippedSum {
  const per = x.length / Math.max(m, 1);
  const yPer = y.length / Math.max(m, 1);
  const sums = sizes.map((s) => new Float64Array(s));
  const b = backendOf(backend);
  let lossSum = 0;
  let unclipped = 0;
  for (let r = 0; r < m; r++) {
    const res = step.run(x.subarray(r * per, (r + 1) * per), y.subarray(r * yPer, (r + 1) * yPer), 1, dropoutSeed(r));
    try {
      lossSum += res.loss;
      const grads = res.grads.map((g) => tensorMemory(backend, b, g));
      let sq = 0;
      for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
      const norm = Math.sqrt(sq);
      const f = norm > clipNorm ? clipNorm / norm : 1;
      if (f === 1) unclipped++;
      grads.forEach((g, k) => {
        const s = sums[k];
        for (let i = 0; i < g.length; i++) s[i] += f * g[i];
      });
    } finally {
      res.grads.forEach((g) => g.dispose());
    }
  }
  return { sums, lossSum, unclipped };
}
