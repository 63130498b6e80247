import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readNiftiFile } from '../../src/connectors/nifti/read-file.js';
import { parseModelSpec } from '../../src/core/model-params.js';
import { getEngine } from '../../src/engine/registry.js';
import { packagePath } from '../../src/node/tool-version.js';
import { defaultSiteNoise } from '../../src/redteam/default-dp.js';
import { runInversion } from '../../src/redteam/inversion/experiment.js';
import { matchingLossAndGradient, modelGradients } from '../../src/redteam/inversion/gradient-matching.js';
import { attackModelFrom, flattenObserved } from '../../src/redteam/inversion/mlp-model.js';
import { axialSlices } from '../../src/redteam/mri-slices.js';
import { Rng } from '../../src/core/random.js';

const spec = parseModelSpec({
  inputShape: [12, 12, 1],
  layers: [{ type: 'flatten' }, { type: 'dense', units: 16, activation: 'sigmoid' }, { type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 3 }],
  loss: 'softmax_cross_entropy',
});

test('the attack model reproduces the engine gradient and its analytic input gradient matches finite differences', async () => {
  const engine = await getEngine('tfjs-cpu');
  const model = await engine.build(spec, { seed: 3 });
  const am = attackModelFrom(spec, model.getWeights());
  const rng = new Rng(5);
  const xs = [0, 1].map(() => new Float64Array(144).map(() => rng.uniform()));
  const labels = [2, 0];
  const x32 = new Float32Array(288);
  xs.forEach((x, i) => x32.set(x, i * 144));
  const engineGrads = flattenObserved(am, (await model.gradients(x32, Float32Array.from(labels), 2)).gradients);
  const ours = modelGradients(am, xs, labels).grads;
  engineGrads.forEach((g, t) => g.forEach((v, i) => assert.ok(Math.abs(v - ours[t][i]) < 1e-5, `param ${t}[${i}]: ${v} vs ${ours[t][i]}`)));
  // A different "observed" gradient so the loss is not at its minimum.
  const observed = modelGradients(am, [new Float64Array(144).map(() => rng.uniform())], [1]).grads;
  const { inputGrads } = matchingLossAndGradient(am, xs, labels, observed);
  for (const [k, i] of [[0, 0], [0, 77], [1, 143], [1, 5]]) {
    const h = 1e-5;
    const plus = xs.map((x) => Float64Array.from(x));
    const minus = xs.map((x) => Float64Array.from(x));
    plus[k][i] += h;
    minus[k][i] -= h;
    const fd = (matchingLossAndGradient(am, plus, labels, observed).loss - matchingLossAndGradient(am, minus, labels, observed).loss) / (2 * h);
    assert.ok(Math.abs(fd - inputGrads[k][i]) < 1e-6 + 1e-4 * Math.abs(fd), `x${k}[${i}]: finite difference ${fd} vs analytic ${inputGrads[k][i]}`);
  }
  model.dispose();
});

test('inversion of a real MRI slice: SSIM >= 0.6 without defence, <= 0.2 with the default DP-SGD', async () => {
  const data = axialSlices(await readNiftiFile(packagePath('data/imaging/ch2.nii.gz')), { size: 12, count: 12, classes: 3 });
  const engine = await getEngine('tfjs-wasm');
  const victim = await engine.build(spec, { seed: 1 });
  const noise = defaultSiteNoise({ n: 64, batchSize: 1, epochs: 1, rounds: 30 });
  const rng = new Rng(9);
  const seeded = () => rng.uniform();
  assert.ok(noise.noiseMultiplier > 1 && noise.clipNorm === 1);
  const [plain, dp] = await runInversion(victim, spec, data, {
    settings: [{ label: 'none', batchSize: 1 }, { label: 'dp', batchSize: 1, dp: { ...noise, uniform: seeded } }],
    trials: 1, iterations: 400, restarts: 1, tvWeight: 1e-3, lr: 0.05, seed: 1,
  });
  assert.equal(plain.labelAccuracy, 1);
  assert.ok(plain.meanSsim >= 0.6, `unprotected SSIM ${plain.meanSsim}`);
  assert.ok(dp.meanSsim <= 0.2, `DP SSIM ${dp.meanSsim}`);
  victim.dispose();
});

test('models the attack cannot differentiate are refused with the layer named', () => {
  const conv = parseModelSpec({ inputShape: [12, 12, 1], layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'flatten' }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' });
  assert.throws(() => attackModelFrom(conv, new Map()), /layers\[0\] \(conv2d\)|conv2d is not supported/);
});
