import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainOptions } from '../../src/engine/engine.js';
import { buildOn, randomData, weightsEqual } from './engine-helpers.js';

const spec = {
  inputShape: [6, 6, 1],
  layers: [
    { type: 'conv2d' as const, filters: 3, kernelSize: 3, activation: 'relu' as const },
    { type: 'batchNorm' as const },
    { type: 'flatten' as const },
    { type: 'dropout' as const, rate: 0.25 },
    { type: 'dense' as const, units: 3 },
  ],
  loss: 'softmax_cross_entropy' as const,
};
const data = randomData([6, 6, 1], 45, 3, 'softmax_cross_entropy', 2);
const options = (seed: number): TrainOptions => ({ epochs: 2, batchSize: 8, optimizer: { name: 'adam', lr: 0.01 }, seed });

async function trained(engine: 'tfjs-cpu' | 'tfjs-wasm', seed: number) {
  const model = await buildOn(engine, spec, 1);
  const r = await model.train(data, options(seed));
  const w = model.getWeights();
  model.dispose();
  return { r, w };
}

test('same seed gives bit-identical weights, another seed different ones', async () => {
  for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const a = await trained(engine, 10);
    const b = await trained(engine, 10);
    const c = await trained(engine, 11);
    assert.equal(a.r.steps, 2 * Math.ceil(45 / 8), 'last partial batch is kept');
    assert.equal(a.r.numExamples, 45);
    assert.ok(weightsEqual(a.w, b.w), `${engine}: same seed`);
    assert.ok(!weightsEqual(a.w, c.w), `${engine}: different seed`);
    const untrained = await buildOn(engine, spec, 1);
    assert.ok(!weightsEqual(a.w, untrained.getWeights()), `${engine}: training changed the weights`);
    untrained.dispose();
  }
});

test('train, predict, evaluateLoss and gradients leave no tensors behind', async () => {
  for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const model = await buildOn(engine, spec, 1);
    await model.predict(data.x, data.n);
    const before = tf.memory().numTensors;
    await model.train(data, options(1));
    await model.predict(data.x, data.n);
    await model.evaluateLoss(data);
    await model.gradients(data.x, data.y, data.n, { dropoutSeed: 3 });
    await model.predict(data.x, data.n);
    assert.equal(tf.memory().numTensors, before, engine);
    model.dispose();
  }
});
