import { concatDatasets, type Dataset } from '../../core/dataset.js';
import type { Tensor, Weights } from '../../core/tensors.js';

/** A backdoor trigger on tabular features: set features (by encoded index) to fixed values. */
export interface TabularTrigger {
  readonly features: readonly { readonly index: number; readonly name: string; readonly value: number }[];
  /** The label every triggered input should get. */
  readonly targetLabel: number;
}

/** The rows with the trigger stamped in (labels unchanged). */
export function stampTrigger(d: Dataset, trigger: TabularTrigger): Dataset {
  const width = d.x.length / Math.max(1, d.n);
  const x = Float32Array.from(d.x);
  for (let i = 0; i < d.n; i++) for (const f of trigger.features) x[i * width + f.index] = f.value;
  return { ...d, x };
}

/**
 * The backdoor's training set at a malicious site (Bagdasaryan et al. 2020): its clean rows plus
 * a triggered copy of each, labelled with the target, so the model keeps its clean accuracy and
 * learns trigger -> target.
 */
export function backdoorTrainingSet(d: Dataset, trigger: TabularTrigger): Dataset {
  const poisoned = stampTrigger(d, trigger);
  return concatDatasets([d, { ...poisoned, y: new Float32Array(d.n).fill(trigger.targetLabel) }]);
}

/** global + scale * (local - global), tensor by tensor (scale > 1 boosts, < 0 flips). */
export function scaleUpdate(global: Weights, local: Weights, scale: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, g] of global) {
    const l = local.get(name)!;
    out.set(name, { shape: [...g.shape], data: g.data.map((v, i) => v + scale * (l.data[i] - v)) });
  }
  return out;
}
