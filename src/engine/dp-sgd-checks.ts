import { ErrorCodes, MedfedError } from '../core/errors.js';
import { allLayers, type ModelLayout } from '../core/model-params.js';
import type { DpSgdOptions } from './engine.js';

/**
 * What every engine checks before DP-SGD: a positive finite clip norm and a non-negative noise
 * multiplier; no Cox loss (not a sum of per-example terms) and no batch normalisation (batch
 * statistics mix examples), where per-example gradients and so the privacy guarantee are undefined.
 */
export function checkDpOptions(layout: ModelLayout, dp: DpSgdOptions): void {
  const bad = (field: string, what: string, got: unknown) =>
    new MedfedError(ErrorCodes.CONFIG_INVALID, `dpSgd.${field} must be ${what}, got ${String(got)}`, { where: `dpSgd.${field}`, hint: 'see docs/differential-privacy.md' });
  if (!(dp.clipNorm > 0) || !Number.isFinite(dp.clipNorm)) throw bad('clipNorm', 'a finite number > 0', dp.clipNorm);
  if (!(dp.noiseMultiplier >= 0) || !Number.isFinite(dp.noiseMultiplier)) throw bad('noiseMultiplier', 'a finite number >= 0', dp.noiseMultiplier);
  if (layout.spec.loss === 'cox') {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'DP-SGD cannot train with the cox loss: the partial likelihood is not a sum of per-example terms (each patient is in the risk sets of others), so per-example gradients and their clipping bound are undefined', {
      where: 'model.loss (cox) with dpSgd',
      hint: 'train Cox models without privacy.dpSgd, or protect the updates with DP-FedAvg (client-level DP) instead; docs/survival.md',
    });
  }
  const bn = allLayers(layout.layers).find((l) => l.layer.type === 'batchNorm')?.path.split('.layers.').join('].layers[');
  if (bn !== undefined) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'DP-SGD cannot train a model with batch normalisation: batch statistics mix examples, so per-example gradients (and the privacy guarantee) are undefined', {
      where: `layers[${bn}] (batchNorm)`,
      hint: 'remove the batchNorm layers (or use group/layer normalisation) when training with differential privacy',
    });
  }
}
