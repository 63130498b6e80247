import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundledDatasetDir, readCsvFile } from '../../src/connectors/csv/read-file.js';
import type { Dataset } from '../../src/core/dataset.js';
import { encodedFeatureNames, toDataset } from '../../src/data/encode.js';
import { localFillValues } from '../../src/data/fill-values.js';
import { concordanceIndex } from '../../src/eval/concordance.js';
import { standardizeTable } from '../../src/stats/standardize.js';
import { buildOn } from './engine-helpers.js';

/** PBC3 pooled: numeric features z-scored with the pooled mean/std, missing values filled with the pooled mean. */
async function pbc3Pooled(): Promise<{ data: Dataset; names: string[] }> {
  const dir = bundledDatasetDir('clinical/pbc3');
  const raw = await readCsvFile(join(dir, 'pbc3.csv'), join(dir, 'schema.yaml'));
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const f of raw.features) {
    if (f.spec.type !== 'numeric' && f.spec.type !== 'integer') continue;
    const v = Array.from(f.values).filter((x) => !Number.isNaN(x));
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    mean[f.spec.name] = m;
    std[f.spec.name] = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  }
  const t = standardizeTable(raw, { mean, std });
  return { data: toDataset(t, { fill: localFillValues(raw) }), names: encodedFeatureNames(t) };
}

/**
 * Reference Cox fit: Newton-Raphson on the Breslow partial log-likelihood in float64, with step
 * halving as in R's coxph(ties = "breslow") (lifelines uses Efron ties by default). O(events * n * p^2).
 */
function newtonRaphsonCox(x: Float32Array, y: Float32Array, n: number, p: number): { beta: Float64Array; iterations: number } {
  const row = (i: number) => x.subarray(i * p, (i + 1) * p);
  const evaluate = (beta: Float64Array) => {
    const eta = Float64Array.from({ length: n }, (_, i) => row(i).reduce((a, v, j) => a + v * beta[j], 0));
    const shift = Math.max(...eta);
    const w = eta.map((e) => Math.exp(e - shift));
    const u = new Float64Array(p);
    const info = new Float64Array(p * p);
    let logLik = 0;
    for (let i = 0; i < n; i++) {
      if (!(y[i] > 0)) continue;
      let s0 = 0;
      const s1 = new Float64Array(p);
      const s2 = new Float64Array(p * p);
      for (let j = 0; j < n; j++) {
        if (Math.abs(y[j]) < y[i]) continue;
        const xj = row(j);
        s0 += w[j];
        for (let a = 0; a < p; a++) {
          s1[a] += w[j] * xj[a];
          for (let b = 0; b < p; b++) s2[a * p + b] += w[j] * xj[a] * xj[b];
        }
      }
      logLik += eta[i] - shift - Math.log(s0);
      const xi = row(i);
      for (let a = 0; a < p; a++) {
        u[a] += xi[a] - s1[a] / s0;
        for (let b = 0; b < p; b++) info[a * p + b] += s2[a * p + b] / s0 - (s1[a] * s1[b]) / (s0 * s0);
      }
    }
    return { logLik, u, info };
  };
  let beta = new Float64Array(p);
  let current = evaluate(beta);
  for (let iter = 1; iter <= 100; iter++) {
    const step = solve(current.info, current.u, p);
    let scale = 1;
    let next = beta.map((b, a) => b + step[a]);
    let trial = evaluate(next);
    while (!(trial.logLik >= current.logLik) && scale > 1e-6) {
      scale /= 2;
      next = beta.map((b, a) => b + scale * step[a]);
      trial = evaluate(next);
    }
    const size = Math.max(...next.map((b, a) => Math.abs(b - beta[a])));
    beta = next;
    current = trial;
    if (size < 1e-10) return { beta, iterations: iter };
  }
  throw new Error('Newton-Raphson did not converge');
}

/** Solves A x = b (Gaussian elimination with partial pivoting; A is p x p, row-major). */
function solve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const m = Float64Array.from(a);
  const r = Float64Array.from(b);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let i = c + 1; i < p; i++) if (Math.abs(m[i * p + c]) > Math.abs(m[piv * p + c])) piv = i;
    for (let k = 0; k < p; k++) [m[c * p + k], m[piv * p + k]] = [m[piv * p + k], m[c * p + k]];
    [r[c], r[piv]] = [r[piv], r[c]];
    for (let i = c + 1; i < p; i++) {
      const f = m[i * p + c] / m[c * p + c];
      for (let k = c; k < p; k++) m[i * p + k] -= f * m[c * p + k];
      r[i] -= f * r[c];
    }
  }
  const out = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = r[i];
    for (let k = i + 1; k < p; k++) s -= m[i * p + k] * out[k];
    out[i] = s / m[i * p + i];
  }
  return out;
}

test('PBC3 pooled: the engine\'s Cox model (dense, 1 unit, no bias) reaches the Newton-Raphson Breslow coefficients', async () => {
  const { data, names } = await pbc3Pooled();
  const p = names.length;
  const reference = newtonRaphsonCox(data.x, data.y, data.n, p);
  const model = await buildOn('tfjs-cpu', { inputShape: [p], layers: [{ type: 'dense', units: 1, useBias: false }], loss: 'cox' }, 7);
  // Full-batch gradient descent on -loglik / events: the same objective as Newton-Raphson.
  await model.train(data, { epochs: 1000, batchSize: data.n, seed: 1, optimizer: { name: 'sgd', lr: 0.3 } });
  const w = model.getWeights().get('0.weight')!.data;
  const diffs = names.map((name, j) => ({ name, engine: w[j], reference: reference.beta[j], diff: Math.abs(w[j] - reference.beta[j]) }));
  const worst = Math.max(...diffs.map((d) => d.diff));
  console.log(`# PBC3 Cox (Breslow), ${data.n} patients, ${data.y.filter((v) => v > 0).length} events; Newton-Raphson ${reference.iterations} iterations; max |engine - reference| = ${worst.toExponential(2)}`);
  for (const d of diffs) console.log(`#   ${d.name.padEnd(14)} engine ${d.engine.toFixed(4)}  reference ${d.reference.toFixed(4)}`);
  assert.ok(worst < 1e-4, `max coefficient difference ${worst}`);
  const risk = await model.predict(data.x, data.n);
  const c = concordanceIndex(risk, data.y)!;
  const cRef = concordanceIndex(Float64Array.from({ length: data.n }, (_, i) => names.reduce((a, _n, j) => a + data.x[i * p + j] * reference.beta[j], 0)), data.y)!;
  console.log(`#   apparent C-index (pooled, training rows): engine ${c.toFixed(4)}, reference ${cRef.toFixed(4)}`);
  assert.ok(Math.abs(c - cRef) < 1e-3, `${c} vs ${cRef}`);
  assert.ok(c > 0.75, `C-index ${c}`);
  // Known clinical directions: higher bilirubin means higher hazard, higher albumin lower hazard.
  assert.ok(reference.beta[names.indexOf('bili')] > 0 && reference.beta[names.indexOf('alb')] < 0);
  model.dispose();
});
