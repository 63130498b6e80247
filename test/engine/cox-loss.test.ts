import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { modelLayout } from '../../src/core/model-params.js';
import { Rng } from '../../src/core/random.js';
import { coxLossAndGradient } from '../../src/engine/tfjs/cox-loss.js';
import { lossAndGradient } from '../../src/engine/tfjs/losses.js';
import { buildOn } from './engine-helpers.js';

/** n survival labels with many tied times (integers 1..maxTime) and ~30% censored. */
function survivalLabels(n: number, seed: number, maxTime = 6): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => {
    const t = 1 + rng.int(maxTime);
    return rng.uniform() < 0.3 ? -t : t;
  });
}

function normals(n: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/**
 * The same loss written directly with TF.js ops on the cpu backend: an n x n risk-set mask and
 * tf.logSumExp (float32). tfjs-core registers no gradients of its own (the engine writes its own
 * with customGrad, and @tensorflow/tfjs is not a dependency), so the gradient reference is the
 * textbook O(n^2) formula over the same mask, in float64.
 */
function directCox(eta: Float64Array, y: Float64Array): { loss: number; grad: Float64Array } {
  const n = eta.length;
  const mask = new Float32Array(n * n); // mask[i][j] = 1 when row j is in the risk set of row i
  const event = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    event[i] = y[i] > 0 ? 1 : 0;
    for (let j = 0; j < n; j++) mask[i * n + j] = Math.abs(y[j]) >= Math.abs(y[i]) ? 1 : 0;
  }
  const events = event.reduce((a, b) => a + b, 0);
  const loss = tf.tidy(() => {
    const z = tf.tensor1d(Float32Array.from(eta));
    // log sum over the risk set = logSumExp_j(z_j + log mask_ij); log 0 = -inf drops j.
    const logS = tf.logSumExp(tf.add(tf.expandDims(z, 0), tf.log(tf.tensor2d(mask, [n, n]))), 1);
    return tf.div(tf.neg(tf.sum(tf.mul(tf.tensor1d(event), tf.sub(z, logS)))), events).dataSync()[0];
  });
  const S = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) if (mask[i * n + j]) s += Math.exp(eta[j]);
    return s;
  });
  const grad = Float64Array.from({ length: n }, (_, k) => {
    let expected = 0;
    for (let i = 0; i < n; i++) if (event[i] && mask[i * n + k]) expected += Math.exp(eta[k]) / S[i];
    return -(event[k] - expected) / events;
  });
  return { loss, grad };
}

test('cox loss: Breslow ties against a hand-computed value', () => {
  // times 1, 1 (both events, tied), 2 (censored), 3 (event); risk exp(eta) = 1, 2, 1, 3.
  const eta = [0, Math.log(2), 0, Math.log(3)];
  const y = [1, 1, -2, 3];
  // Both events at t = 1 share the risk set {all}: S = 7. The event at 3: S = 3.
  const logLik = 0 - Math.log(7) + (Math.log(2) - Math.log(7)) + (Math.log(3) - Math.log(3));
  const grad = new Float64Array(4);
  const loss = coxLossAndGradient(eta, y, 4, grad);
  assert.ok(Math.abs(loss - -logLik / 3) < 1e-12, `${loss} vs ${-logLik / 3}`);
  // d/d eta_k = -(1/3) [event_k - exp(eta_k) * sum_{event times t_i <= t_k} d_i / S(t_i)]
  const h1 = 2 / 7;
  const h3 = 1 / 3;
  const expected = [-(1 - 1 * h1) / 3, -(1 - 2 * h1) / 3, -(0 - 1 * h1) / 3, -(1 - 3 * (h1 + h3)) / 3];
  expected.forEach((e, k) => assert.ok(Math.abs(grad[k] - e) < 1e-12, `grad[${k}] ${grad[k]} vs ${e}`));
  // The gradient of a partial likelihood sums to zero (shift invariance of eta).
  assert.ok(Math.abs(grad.reduce((a, b) => a + b, 0)) < 1e-12);
});

test('cox loss: gradient equals central finite differences (ties, censoring)', () => {
  for (const seed of [1, 2, 3]) {
    const n = 40;
    const eta = normals(n, seed);
    const y = survivalLabels(n, seed + 10);
    const grad = new Float64Array(n);
    coxLossAndGradient(eta, y, n, grad);
    const h = 1e-6;
    for (let k = 0; k < n; k++) {
      const up = Float64Array.from(eta);
      const down = Float64Array.from(eta);
      up[k] += h;
      down[k] -= h;
      const fd = (coxLossAndGradient(up, y, n) - coxLossAndGradient(down, y, n)) / (2 * h);
      assert.ok(Math.abs(fd - grad[k]) < 1e-7, `seed ${seed} k ${k}: fd ${fd} vs ${grad[k]}`);
    }
  }
});

test('cox loss: value equals a direct TF.js (cpu) risk-set implementation, gradient the O(n^2) formula', async () => {
  await tf.setBackend('cpu');
  for (const seed of [4, 5]) {
    const n = 64;
    const eta = normals(n, seed, 2);
    const y = survivalLabels(n, seed + 20, 10);
    const grad = new Float64Array(n);
    const loss = coxLossAndGradient(eta, y, n, grad);
    const ref = directCox(eta, y);
    assert.ok(Math.abs(loss - ref.loss) < 1e-5 * Math.max(1, Math.abs(loss)), `loss ${loss} vs ${ref.loss}`);
    for (let k = 0; k < n; k++) assert.ok(Math.abs(grad[k] - ref.grad[k]) < 1e-6, `grad[${k}] ${grad[k]} vs ${ref.grad[k]}`);
  }
});

test('cox loss: no event gives loss 0 and a zero gradient; huge risk scores stay finite', () => {
  const grad = new Float64Array(3).fill(7);
  assert.equal(coxLossAndGradient([0.5, -1, 2], [-1, -2, -3], 3, grad), 0);
  assert.deepEqual(Array.from(grad), [0, 0, 0]);
  const big = coxLossAndGradient([1000, 1001, -1000], [1, 2, -3], 3, grad);
  assert.ok(Number.isFinite(big) && grad.every(Number.isFinite), `${big} ${Array.from(grad)}`);
  // Shift invariance: adding 1000 to every eta changes nothing.
  const a = coxLossAndGradient([0, 1, -2], [1, 2, -3], 3);
  const b = coxLossAndGradient([1000, 1001, 998], [1, 2, -3], 3);
  assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  // Through the engine's loss dispatch.
  assert.equal(lossAndGradient('cox', [0, 1, -2], [1, 2, -3], 3, 1), a);
});

test('cox model: predict gives eta = x w, gradients equal X^T dloss/deta, evaluateLoss covers all rows at once', async () => {
  const spec = { inputShape: [3], layers: [{ type: 'dense' as const, units: 1, useBias: false }], loss: 'cox' as const };
  const model = await buildOn('tfjs-cpu', spec, 3);
  const n = 1500; // more than one inference chunk (1024)
  const rng = new Rng(9);
  const x = Float32Array.from({ length: n * 3 }, () => rng.normal());
  const y = Float32Array.from(survivalLabels(n, 11, 200));
  const w = model.getWeights().get('0.weight')!.data;
  assert.equal(model.getWeights().size, 1, 'no bias tensor with useBias: false');
  const eta = await model.predict(x, n);
  for (let i = 0; i < n; i++) {
    const direct = w[0] * x[i * 3] + w[1] * x[i * 3 + 1] + w[2] * x[i * 3 + 2];
    assert.ok(Math.abs(eta[i] - direct) < 1e-5, `eta[${i}]`);
  }
  const dEta = new Float64Array(n);
  const expectedLoss = coxLossAndGradient(eta, y, n, dEta);
  const loss = await model.evaluateLoss({ x, y, n, featureShape: [3], numClasses: 0 });
  assert.ok(Math.abs(loss - expectedLoss) < 1e-9, `${loss} vs ${expectedLoss}`);
  const g = await model.gradients(x, y, n);
  const gw = g.gradients.get('0.weight')!.data;
  for (let f = 0; f < 3; f++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * 3 + f] * dEta[i];
    assert.ok(Math.abs(gw[f] - s) < 1e-5, `dw[${f}] ${gw[f]} vs ${s}`);
  }
  model.dispose();
});

test('cox model: bad labels, two outputs and DP-SGD are clear errors', async () => {
  const spec = { inputShape: [2], layers: [{ type: 'dense' as const, units: 1, useBias: false }], loss: 'cox' as const };
  const model = await buildOn('tfjs-cpu', spec, 1);
  const x = new Float32Array([1, 0, 0, 1, 1, 1]);
  await assert.rejects(
    () => model.train({ x, y: new Float32Array([3, 0, -2]), n: 3, featureShape: [2], numClasses: 0 }, { epochs: 1, batchSize: 3, seed: 1, optimizer: { name: 'sgd', lr: 0.1 } }),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && /label 1 is 0/.test(e.message) && e.where === 'data.y[1]',
  );
  await assert.rejects(
    () =>
      model.train(
        { x, y: new Float32Array([3, 1, -2]), n: 3, featureShape: [2], numClasses: 0 },
        { epochs: 1, batchSize: 3, seed: 1, optimizer: { name: 'sgd', lr: 0.1 }, dpSgd: { clipNorm: 1, noiseMultiplier: 1 } },
      ),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && /DP-SGD cannot train with the cox loss/.test(e.message),
  );
  model.dispose();
  assert.throws(
    () => modelLayout({ inputShape: [2], layers: [{ type: 'dense', units: 2 }], loss: 'cox' }),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.SHAPE_MISMATCH && /cox needs exactly 1 output/.test(e.message),
  );
});

test('cox model: training on a proportional-hazards sample lowers the loss and recovers the sign of the effects', async () => {
  const spec = { inputShape: [2], layers: [{ type: 'dense' as const, units: 1, useBias: false }], loss: 'cox' as const };
  const model = await buildOn('tfjs-cpu', spec, 2);
  const n = 400;
  const rng = new Rng(21);
  const x = Float32Array.from({ length: n * 2 }, () => rng.normal());
  // Exponential times with hazard exp(1.0 x0 - 0.5 x1); censoring at an independent exponential time.
  const y = Float32Array.from({ length: n }, (_, i) => {
    const t = -Math.log(1 - rng.uniform()) / Math.exp(1.0 * x[2 * i] - 0.5 * x[2 * i + 1]);
    const c = -Math.log(1 - rng.uniform()) * 2;
    return t <= c ? t : -c;
  });
  const data = { x, y, n, featureShape: [2], numClasses: 0 };
  const before = await model.evaluateLoss(data);
  await model.train(data, { epochs: 150, batchSize: n, seed: 1, optimizer: { name: 'adam', lr: 0.05 } });
  const after = await model.evaluateLoss(data);
  const w = model.getWeights().get('0.weight')!.data;
  assert.ok(after < before, `${after} < ${before}`);
  assert.ok(Math.abs(w[0] - 1) < 0.25 && Math.abs(w[1] + 0.5) < 0.25, `w = ${Array.from(w)}`);
  model.dispose();
});
