import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModelSpec } from '../../src/core/model-params.js';
import type { ModelSpecInput } from '../../src/core/model-spec.js';
import type { TrainableModel } from '../../src/engine/engine.js';
import { assertGradientMatchesFiniteDifferences } from './finite-differences.js';
import { assertClose } from './kernels/backend-compare.js';
import { buildOn, randomData } from './engine-helpers.js';
import { recurrentCases } from './recurrent-cases.js';
import { referenceGradient, referenceLoss, type Weights64 } from './recurrent-reference.js';

/**
 * lstm and gru layers on the TF.js engine, both backends: loss and gradients agree between 'wasm'
 * and the 'cpu' reference, and with a float64 reference written from PyTorch's equations (loss,
 * evaluation loss, and every gradient against its central finite differences), relative error
 * <= 1e-4; last step and whole sequence outputs, and a stacked pair (gradient through the input).
 */
const outputsOf = (spec: ModelSpecInput) => (spec.layers[spec.layers.length - 1] as { units: number }).units;
const weights64 = (m: TrainableModel): Weights64 => new Map([...m.getWeights()].map(([k, t]) => [k, Float64Array.from(t.data)]));

for (const c of recurrentCases) {
  test(`recurrent ${c.name}: wasm = cpu = float64 reference (loss, gradients vs finite differences)`, async () => {
    const spec = parseModelSpec(c.spec);
    const data = randomData([...spec.inputShape], 5, outputsOf(c.spec), spec.loss, 11);
    const results = [];
    for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
      const model = await buildOn(engine, c.spec, 3);
      const w = weights64(model);
      const r = await model.gradients(data.x, data.y, data.n);
      const expectedLoss = referenceLoss(spec, w, data.x, data.y, data.n);
      assertClose([r.loss], [expectedLoss], 1e-5, `${engine} loss vs reference`);
      assertClose([await model.evaluateLoss(data)], [expectedLoss], 1e-5, `${engine} evaluateLoss vs reference`);
      for (const [name, g] of r.gradients) {
        assertClose(g.data, referenceGradient(spec, w, name, data.x, data.y, data.n), 1e-4, `${engine} ${name} vs finite differences`);
      }
      results.push(r);
      model.dispose();
    }
    const [cpu, wasm] = results;
    assertClose([wasm.loss], [cpu.loss], 1e-4, 'loss wasm vs cpu');
    assert.deepEqual([...wasm.gradients.keys()], [...cpu.gradients.keys()]);
    for (const [name, g] of cpu.gradients) assertClose(wasm.gradients.get(name)!.data, g.data, 1e-4, `${name} wasm vs cpu`);
  });
}

test('recurrent on wasm: the shared finite-difference check of the engine\'s own loss (stacked lstm -> gru)', () =>
  assertGradientMatchesFiniteDifferences('tfjs-wasm', recurrentCases[4].spec, '0.weight_hh_l0'));

test('recurrent DP-SGD: each example\'s gradient is clipped on its own (lstm and gru, wasm)', async () => {
  for (const c of [recurrentCases[0], recurrentCases[3]]) {
    const spec = parseModelSpec(c.spec);
    const per = spec.inputShape[0] * spec.inputShape[1];
    const data = randomData([...spec.inputShape], 4, outputsOf(c.spec), spec.loss, 5);
    const model = await buildOn('tfjs-wasm', c.spec, 2);
    const w0 = weights64(model);
    const expected = new Map([...w0].map(([k, t]) => [k, Float64Array.from(t)]));
    const clipNorm = 0.05;
    let clipped = 0;
    for (let i = 0; i < data.n; i++) {
      const g = await model.gradients(data.x.slice(i * per, (i + 1) * per), data.y.slice(i, i + 1), 1);
      const norm = Math.sqrt([...g.gradients.values()].reduce((s, t) => s + t.data.reduce((a, v) => a + v * v, 0), 0));
      const f = Math.min(1, clipNorm / norm);
      if (f < 1) clipped++;
      for (const [k, t] of g.gradients) t.data.forEach((v, j) => (expected.get(k)![j] -= (0.5 * f * v) / data.n));
    }
    assert.ok(clipped > 0, `${c.name}: the clip norm should clip some examples`);
    await model.train(data, { epochs: 1, batchSize: data.n, optimizer: { name: 'sgd', lr: 0.5 }, seed: 1, dpSgd: { clipNorm, noiseMultiplier: 0, samplingRate: 1 } });
    const after = weights64(model);
    for (const [k, e] of expected) assertClose(after.get(k)!, e, 1e-5, `${c.name} ${k} after one DP-SGD step`);
    model.dispose();
  }
});
