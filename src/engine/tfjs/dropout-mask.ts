import { Rng, deriveSeed } from '../../core/random.js';

/**
 * Inverted-dropout mask, engine-independent so every engine drops the same units for the same
 * seed: element i (channels-last order, batch first) keeps its unit when a uniform draw from
 * `Rng.derive(seed, 'dropout', layerIndex)` is >= rate, and is then scaled by 1 / (1 - rate).
 * `layerIndex` is the top-level layer index, or the layer path ("3.layers.1") inside a block.
 */
export function dropoutMask(seed: number, layerIndex: number | string, size: number, rate: number, out?: Float32Array): Float32Array {
  const mask = out && out.length === size ? out : new Float32Array(size);
  const rng = Rng.derive(seed, 'dropout', layerIndex);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < size; i++) mask[i] = rng.uniform() >= rate ? keep : 0;
  return mask;
}

/** The dropout seed of optimizer step `step` (0-based, counted over all epochs) of a train() call. */
export function stepDropoutSeed(trainSeed: number, step: number): number {
  return deriveSeed(trainSeed, 'dropout-step', step);
}
