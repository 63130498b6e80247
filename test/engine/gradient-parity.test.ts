import { test } from 'node:test';
import type { ModelSpecInput } from '../../src/core/model-spec.js';
import { assertClose } from './kernels/backend-compare.js';
import { buildOn, randomData } from './engine-helpers.js';

/**
 * Every layer type: loss and every gradient of the same model, batch and weights on the 'wasm'
 * backend agree with the 'cpu' reference backend within relative error 1e-4.
 */
const cases: { name: string; spec: ModelSpecInput; lo?: number; hi?: number; setWeights?: Record<string, number[]> }[] = [
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
    name: 'conv2d valid/same, stride 2, maxPool2d, flatten, sigmoid CE',
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
    name: 'avgPool2d valid and same at odd sizes, mse',
    spec: {
      inputShape: [7, 7, 3],
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 2, activation: 'sigmoid' },
        { type: 'avgPool2d', poolSize: 2, stride: 1 },
        { type: 'avgPool2d', poolSize: 3, stride: 2, padding: 'same' },
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
    // No bias before batch norm: its true gradient is 0, so only rounding noise would be compared.
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
    // A 1x1 conv with weight 1 and bias 0 passes the all-negative input through, so every max
    // window is all-negative, at 'same' padding on an odd size too (FLT_MIN bug on wasm 4.22).
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
  {
    name: 'max pooling directly on negative inputs',
    spec: {
      inputShape: [7, 7, 2],
      layers: [{ type: 'maxPool2d', poolSize: 3, stride: 2, padding: 'same' }, { type: 'flatten' }, { type: 'dense', units: 2 }],
      loss: 'softmax_cross_entropy',
    },
    lo: -2,
    hi: -0.1,
  },
];

for (const c of cases) {
  test(`gradient parity cpu vs wasm: ${c.name}`, async () => {
    const outputs = (c.spec.layers[c.spec.layers.length - 1] as { units: number }).units;
    const data = randomData([...c.spec.inputShape], 6, outputs, c.spec.loss, 11, c.lo, c.hi);
    const results = [];
    for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
      const model = await buildOn(engine, c.spec, 3);
      if (c.setWeights) {
        const w = model.getWeights();
        for (const [name, values] of Object.entries(c.setWeights)) w.set(name, { shape: w.get(name)!.shape, data: Float32Array.from(values) });
        model.setWeights(w);
      }
      results.push(await model.gradients(data.x, data.y, data.n, { dropoutSeed: 5 }));
      model.dispose();
    }
    const [cpu, wasm] = results;
    assertClose([wasm.loss], [cpu.loss], 1e-4, 'loss');
    for (const [name, g] of cpu.gradients) assertClose(wasm.gradients.get(name)!.data, g.data, 1e-4, name);
  });
}
