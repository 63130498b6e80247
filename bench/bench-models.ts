import type { ModelSpecInput } from '../src/core/model-spec.js';
import { Rng } from '../src/core/random.js';
import { makeDataset, type Dataset } from '../src/core/dataset.js';
import { sizeOf } from '../src/core/tensors.js';

export const mlpSpec: ModelSpecInput = {
  inputShape: [30],
  layers: [
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

export const cnn2dSpec: ModelSpecInput = {
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

/** Random features in [-1, 1) with class labels: throughput does not depend on the values. */
export function syntheticData(shape: number[], n: number, classes: number, seed = 1): Dataset {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * sizeOf(shape) }, () => rng.uniform() * 2 - 1);
  const y = Float32Array.from({ length: n }, () => rng.int(classes));
  return makeDataset(x, y, shape, classes);
}
