import { test } from 'node:test';
import type { ModelSpecInput } from '../../src/core/model-spec.js';
import { assertGradientMatchesFiniteDifferences } from './finite-differences.js';

/**
 * Average pooling with 'same' padding (TensorFlow's rule: the mean over the real cells, the odd
 * padding cell after). tfjs 4.22's own AvgPoolGrad is wrong wherever this padding is non-zero, so
 * the engine computes it from valid pooling of the padded input (layer-ops.ts); its gradients must
 * match central finite differences of its own loss, on cpu and wasm.
 */
const spec: ModelSpecInput = {
  inputShape: [6, 5, 2],
  layers: [
    { type: 'conv2d', filters: 2, kernelSize: 2, padding: 'same', activation: 'tanh' },
    { type: 'avgPool2d', poolSize: 3, stride: 1, padding: 'same' },
    { type: 'avgPool2d', poolSize: 2, padding: 'same' },
    { type: 'flatten' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

for (const backend of ['tfjs-cpu', 'tfjs-wasm']) {
  test(`${backend}: avgPool2d same (symmetric and asymmetric padding) gradients match finite differences`, () =>
    assertGradientMatchesFiniteDifferences(backend, spec, '0.weight'));
}
