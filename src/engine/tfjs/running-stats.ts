import type { ModelLayout } from '../../core/model-params.js';
import type { BatchNormStats } from './forward.js';

/**
 * PyTorch's running-statistics update: running = (1 - momentum) * running + momentum * batch,
 * with the unbiased batch variance (biased when a channel saw a single value, where PyTorch
 * refuses to train). Updates the master arrays in place; returns whether anything changed.
 */
export function updateRunningStats(layout: ModelLayout, masters: Float32Array[], stats: readonly BatchNormStats[]): boolean {
  for (const s of stats) {
    const m = s.momentum;
    const mean = masters[layout.params.findIndex((p) => p.name === `${s.layerPath}.running_mean`)];
    const variance = masters[layout.params.findIndex((p) => p.name === `${s.layerPath}.running_var`)];
    const unbias = s.count > 1 ? s.count / (s.count - 1) : 1;
    for (let c = 0; c < mean.length; c++) {
      mean[c] = (1 - m) * mean[c] + m * s.mean[c];
      variance[c] = (1 - m) * variance[c] + m * s.variance[c] * unbias;
    }
  }
  return stats.length > 0;
}
