import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedfedError } from '../../src/core/errors.js';
import { initialWeights, modelLayout, normalizationParamNames } from '../../src/core/model-params.js';
import type { ModelSpecInput } from '../../src/core/model-spec.js';

const cnn: ModelSpecInput = {
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
    { type: 'batchNorm' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

test('infers every layer shape and PyTorch parameter names and layouts', () => {
  const l = modelLayout(cnn);
  assert.deepEqual(l.layers.map((x) => x.outputShape), [[26, 26, 16], [13, 13, 16], [11, 11, 32], [11, 11, 32], [5, 5, 32], [800], [64], [2]]);
  assert.deepEqual(
    l.params.map((p) => `${p.name}:${p.shape.join('x')}`),
    ['0.weight:16x1x3x3', '0.bias:16', '2.weight:32x16x3x3', '2.bias:32', '3.weight:32', '3.bias:32', '3.running_mean:32', '3.running_var:32', '6.weight:64x800', '6.bias:64', '7.weight:2x64', '7.bias:2'],
  );
  assert.deepEqual(normalizationParamNames(l), ['3.weight', '3.bias', '3.running_mean', '3.running_var']);
  assert.equal(l.params.find((p) => p.name === '3.running_mean')!.trainable, false);
});

test('same padding and strides follow ceil(n / stride)', () => {
  const l = modelLayout({ inputShape: [7, 9, 3], layers: [{ type: 'conv2d', filters: 4, kernelSize: 3, stride: 2, padding: 'same' }, { type: 'flatten' }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' });
  assert.deepEqual(l.layers[0].outputShape, [4, 5, 4]);
});

test('a layer that does not fit its input is an error naming the layer', () => {
  assert.throws(
    () => modelLayout({ inputShape: [28, 28, 1], layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' }),
    (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_SHAPE_MISMATCH' && e.where === 'layers[1] (dense)' && /flatten/.test(e.message),
  );
  assert.throws(
    () => modelLayout({ inputShape: [5], layers: [{ type: 'dense', units: 1 }], loss: 'softmax_cross_entropy' }),
    (e: unknown) => e instanceof MedfedError && e.where === 'layers[0] (dense)',
  );
  assert.throws(
    () => modelLayout({ inputShape: [4, 4, 1], layers: [{ type: 'conv2d', filters: 2, kernelSize: 5 }, { type: 'flatten' }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' }),
    (e: unknown) => e instanceof MedfedError && /larger than the input/.test(e.message),
  );
});

test('an unknown layer type or field is a config error with the path', () => {
  assert.throws(
    () => modelLayout({ inputShape: [5], layers: [{ type: 'transformer', units: 2 }], loss: 'mse' } as never),
    (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_CONFIG_INVALID' && /layers\[0\]/.test(e.message),
  );
  assert.throws(
    () => modelLayout({ inputShape: [5], layers: [{ type: 'dense', units: 2, activaton: 'relu' }], loss: 'mse' } as never),
    (e: unknown) => e instanceof MedfedError && /activaton/.test(e.message),
  );
});

test('initial weights follow PyTorch defaults and depend only on the seed', () => {
  const l = modelLayout(cnn);
  const a = initialWeights(l, 1);
  const b = initialWeights(l, 1);
  const c = initialWeights(l, 2);
  const w = a.get('6.weight')!.data;
  const bound = 1 / Math.sqrt(800);
  assert.ok(w.every((x) => Math.abs(x) <= bound));
  const mean = w.reduce((s, x) => s + x, 0) / w.length;
  const variance = w.reduce((s, x) => s + x * x, 0) / w.length;
  assert.ok(Math.abs(mean) < bound * 0.05);
  assert.ok(Math.abs(variance - (bound * bound) / 3) < (bound * bound) / 3 * 0.05, 'uniform variance bound^2/3');
  assert.deepEqual(a.get('3.weight')!.data, new Float32Array(32).fill(1));
  assert.deepEqual(a.get('3.running_mean')!.data, new Float32Array(32));
  assert.deepEqual(a.get('0.weight')!.data, b.get('0.weight')!.data);
  assert.notDeepEqual(a.get('0.weight')!.data, c.get('0.weight')!.data);
});
