import { test } from 'node:test';
import type { ModelSpecInput } from '../../../src/core/model-spec.js';
import { assertGradientMatchesFiniteDifferences } from '../finite-differences.js';
import { skipNative } from './native-available.js';

/**
 * Average pooling with 'same' padding averages over the real cells only (TensorFlow's rule), with
 * the odd padding cell after. The native engine's gradients match central finite differences of
 * its own loss (the TF.js engine passes the same check in test/engine/avg-pool-same.test.ts; tfjs
 * 4.22's own AvgPoolGrad is wrong wherever this padding is non-zero, so the engine works around it).
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

test('libtorch avgPool2d same (symmetric and asymmetric padding): gradients match finite differences', { skip: skipNative }, () =>
  assertGradientMatchesFiniteDifferences('libtorch', spec, '0.weight'));
