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

/** 3D CNN on a 32x32x32x1 volume (conv8-pool-conv16-pool-d64-d2), as in design/engine.md. */
export const cnn3dSpec: ModelSpecInput = {
  inputShape: [32, 32, 32, 1],
  layers: [
    { type: 'conv3d', filters: 8, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool3d', poolSize: 2 },
    { type: 'conv3d', filters: 16, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool3d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

/** 1D CNN on an ECG window of 1000 samples (conv16 k7-pool-conv32 k5-pool-d64-d2). */
export const cnn1dSpec: ModelSpecInput = {
  inputShape: [1000, 1],
  layers: [
    { type: 'conv1d', filters: 16, kernelSize: 7, activation: 'relu' },
    { type: 'maxPool1d', poolSize: 2 },
    { type: 'conv1d', filters: 32, kernelSize: 5, activation: 'relu' },
    { type: 'maxPool1d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

/**
 * Recurrent models on a wearable / ECG-feature sequence: 64 steps of 8 features (e.g. 64 beats or
 * windows of 8 features each) -> one lstm or gru layer of 64 units (last step) -> dense 2.
 */
export const lstmSpec: ModelSpecInput = {
  inputShape: [64, 8],
  layers: [{ type: 'lstm', units: 64 }, { type: 'dense', units: 2 }],
  loss: 'softmax_cross_entropy',
};

export const gruSpec: ModelSpecInput = {
  inputShape: [64, 8],
  layers: [{ type: 'gru', units: 64 }, { type: 'dense', units: 2 }],
  loss: 'softmax_cross_entropy',
};

/** Random features in [-1, 1) with class labels: throughput does not depend on the values. */
export function syntheticData(shape: number[], n: number, classes: number, seed = 1): Dataset {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * sizeOf(shape) }, () => rng.uniform() * 2 - 1);
  const y = Float32Array.from({ length: n }, () => rng.int(classes));
  return makeDataset(x, y, shape, classes);
}
