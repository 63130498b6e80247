import type { ModelSpecInput } from '../../../src/core/model-spec.js';
import { recurrentCases } from '../recurrent-cases.js';

/** Models covering every layer type and padding mode (the cases of test/engine/gradient-parity.test.ts and more). */
export const parityCases: { name: string; spec: ModelSpecInput; lo?: number; hi?: number; setWeights?: Record<string, number[]> }[] = [
  {
    name: 'dense relu/tanh/sigmoid, softmax CE',
    spec: {
      inputShape: [6],
      layers: [
        { type: 'dense', units: 8, activation: 'relu' },
        { type: 'dense', units: 7, activation: 'tanh' },
        { type: 'dense', units: 5, activation: 'sigmoid' },
        { type: 'dense', units: 3, useBias: false },
      ],
      loss: 'softmax_cross_entropy',
    },
  },
  {
    name: 'conv2d valid/same, stride 2, maxPool2d same, flatten, sigmoid CE',
    spec: {
      inputShape: [9, 9, 2],
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
        { type: 'conv2d', filters: 3, kernelSize: [2, 3], stride: 2, padding: 'same', activation: 'tanh' },
        { type: 'maxPool2d', poolSize: 2, padding: 'same' },
        { type: 'flatten' },
        { type: 'dense', units: 1 },
      ],
      loss: 'sigmoid_cross_entropy',
    },
  },
  {
    // avgPool 'same' is checked against finite differences instead (finite-differences.test.ts):
    // TF.js 4.22's AvgPoolGrad is wrong wherever 'same' padding is non-zero.
    name: 'conv2d same with an even kernel (asymmetric padding), avgPool2d valid, maxPool2d same, mse',
    spec: {
      inputShape: [7, 7, 3],
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 2, padding: 'same', activation: 'sigmoid' },
        { type: 'avgPool2d', poolSize: 2, stride: 1 },
        { type: 'avgPool2d', poolSize: 3, stride: 2 },
        { type: 'maxPool2d', poolSize: 2, padding: 'same' },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
      loss: 'mse',
    },
  },
  {
    name: 'conv1d, maxPool1d, avgPool1d',
    spec: {
      inputShape: [15, 2],
      layers: [
        { type: 'conv1d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'maxPool1d', poolSize: 2, padding: 'same' },
        { type: 'conv1d', filters: 3, kernelSize: 2, stride: 2 },
        { type: 'avgPool1d', poolSize: 2, stride: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 3 },
      ],
      loss: 'softmax_cross_entropy',
    },
  },
  {
    name: 'batchNorm (dense and conv), dropout, activation layers',
    spec: {
      inputShape: [6, 6, 2],
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, useBias: false },
        { type: 'batchNorm' },
        { type: 'activation', activation: 'relu' },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.3 },
        { type: 'dense', units: 5, useBias: false },
        { type: 'batchNorm', momentum: 0.2 },
        { type: 'activation', activation: 'tanh' },
        { type: 'dense', units: 2 },
      ],
      loss: 'softmax_cross_entropy',
    },
  },
  {
    name: 'dropout before flatten (channels-last mask order), batchNorm on conv1d',
    spec: {
      inputShape: [8, 3],
      layers: [
        { type: 'conv1d', filters: 4, kernelSize: 3, useBias: false },
        { type: 'batchNorm', epsilon: 1e-3 },
        { type: 'activation', activation: 'sigmoid' },
        { type: 'dropout', rate: 0.5 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
      loss: 'softmax_cross_entropy',
    },
  },
  {
    name: 'conv3d same and valid with a mixed kernel, maxPool3d, avgPool3d',
    spec: {
      inputShape: [6, 6, 6, 2],
      layers: [
        { type: 'conv3d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'maxPool3d', poolSize: 2 },
        { type: 'conv3d', filters: 2, kernelSize: [2, 1, 2] },
        { type: 'avgPool3d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
      loss: 'softmax_cross_entropy',
    },
  },
  {
    name: 'max pooling over all-negative windows, same padding at odd size',
    spec: {
      inputShape: [5, 5, 1],
      layers: [
        { type: 'conv2d', filters: 1, kernelSize: 1 },
        { type: 'maxPool2d', poolSize: 2, padding: 'same' },
        { type: 'maxPool2d', poolSize: 2, stride: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ],
      loss: 'softmax_cross_entropy',
    },
    lo: -3,
    hi: -0.5,
    setWeights: { '0.weight': [1], '0.bias': [0] },
  },
  // lstm and gru, last step and returnSequences, and stacked (at::lstm / at::gru vs medfed's TF.js BPTT).
  ...recurrentCases,
];
