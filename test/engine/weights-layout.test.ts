import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialWeights, modelLayout } from '../../src/core/model-params.js';
import { Rng } from '../../src/core/random.js';
import { assertClose } from './kernels/backend-compare.js';
import { buildOn, weightsEqual } from './engine-helpers.js';

const spec = {
  inputShape: [3, 3, 2],
  layers: [
    { type: 'conv2d' as const, filters: 2, kernelSize: 2 },
    { type: 'flatten' as const },
    { type: 'dense' as const, units: 1 },
    { type: 'batchNorm' as const },
  ],
  loss: 'mse' as const,
};

test('initial weights are core initialWeights; get/set round-trips every tensor', async () => {
  for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const model = await buildOn(engine, spec, 5);
    assert.ok(weightsEqual(model.getWeights(), initialWeights(modelLayout(spec), 5)));
    const rng = new Rng(3);
    const next = new Map([...model.getWeights()].map(([k, t]) => [k, { shape: t.shape, data: t.data.map(() => rng.normal()) }]));
    model.setWeights(next);
    assert.ok(weightsEqual(model.getWeights(), next), `${engine}: round trip`);
    assert.deepEqual(model.getWeights().get('0.weight')!.shape, [2, 2, 2, 2]);
    model.dispose();
  }
});

test('weights use PyTorch layouts: conv2d [out,in,kh,kw], channels-first flatten, dense [out,in]', async () => {
  const rng = new Rng(8);
  const convW = Float32Array.from({ length: 16 }, () => rng.normal());
  const convB = Float32Array.from([0.1, -0.2]);
  const denseW = Float32Array.from({ length: 8 }, () => rng.normal());
  const x = Float32Array.from({ length: 18 }, () => rng.normal());
  // Reference forward in PyTorch's layouts (NCHW) with the channels-last input x[h][w][c].
  const conv = new Float64Array(8); // [c][h][w], channels-first as PyTorch flattens it
  for (let o = 0; o < 2; o++)
    for (let h = 0; h < 2; h++)
      for (let w = 0; w < 2; w++) {
        let s = convB[o];
        for (let c = 0; c < 2; c++)
          for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) s += convW[((o * 2 + c) * 2 + i) * 2 + j] * x[((h + i) * 3 + (w + j)) * 2 + c];
        conv[o * 4 + h * 2 + w] = s;
      }
  const z = 0.5 + conv.reduce((s, v, k) => s + v * denseW[k], 0);
  const mean = 0.25;
  const variance = 4;
  const expected = ((z - mean) / Math.sqrt(variance + 1e-5)) * 1.5 - 0.5;
  for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const model = await buildOn(engine, spec);
    model.setWeights(
      new Map([
        ['0.weight', { shape: [2, 2, 2, 2], data: convW }],
        ['0.bias', { shape: [2], data: convB }],
        ['2.weight', { shape: [1, 8], data: denseW }],
        ['2.bias', { shape: [1], data: Float32Array.of(0.5) }],
        ['3.weight', { shape: [1], data: Float32Array.of(1.5) }],
        ['3.bias', { shape: [1], data: Float32Array.of(-0.5) }],
        ['3.running_mean', { shape: [1], data: Float32Array.of(mean) }],
        ['3.running_var', { shape: [1], data: Float32Array.of(variance) }],
      ]),
    );
    assertClose(await model.predict(x, 1), [expected], 1e-5, `${engine} predict`);
    model.dispose();
  }
});
