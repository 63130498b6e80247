import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { bootstrapInterval } from '../../src/eval/bootstrap.js';
import { bootstrapMetric } from '../../src/eval/bootstrap-metric.js';

function meanOf(values: ArrayLike<number>, idx: Int32Array): number {
  let s = 0;
  for (const i of idx) s += values[i];
  return s / idx.length;
}

test('bootstrap interval of a mean is close to mean +- 1.96 * sd / sqrt(n)', () => {
  const rng = new Rng(11);
  const n = 400;
  const x = Array.from({ length: n }, () => rng.normal() * 2 + 5);
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const ci = bootstrapInterval(n, (idx) => meanOf(x, idx), { seed: 1, resamples: 2000 });
  const half = (1.96 * sd) / Math.sqrt(n);
  assert.ok(Math.abs((ci.estimate as number) - mean) < 1e-12);
  assert.ok(Math.abs((ci.lower as number) - (mean - half)) < 0.25 * half, `lower ${ci.lower} vs ${mean - half}`);
  assert.ok(Math.abs((ci.upper as number) - (mean + half)) < 0.25 * half, `upper ${ci.upper} vs ${mean + half}`);
  assert.equal(ci.usedResamples, 2000);
});

test('same seed gives the same interval; another seed a different one', () => {
  const x = Array.from({ length: 50 }, (_, i) => (i * 37) % 11);
  const a = bootstrapInterval(50, (idx) => meanOf(x, idx), { seed: 5, resamples: 200 });
  const b = bootstrapInterval(50, (idx) => meanOf(x, idx), { seed: 5, resamples: 200 });
  const c = bootstrapInterval(50, (idx) => meanOf(x, idx), { seed: 6, resamples: 200 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('stratified resampling keeps each stratum size; undefined resamples are left out', () => {
  const strata = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
  const counts: number[] = [];
  bootstrapInterval(10, (idx) => {
    counts.push(Array.from(idx).filter((i) => strata[i] === 1).length);
    return 0;
  }, { seed: 2, resamples: 50, strata });
  assert.ok(counts.every((c) => c === 7));
  // A statistic undefined whenever row 0 is missing: only resamples containing row 0 count.
  const ci = bootstrapInterval(10, (idx) => (Array.from(idx).includes(0) ? 1 : null), { seed: 2, resamples: 300 });
  // P(row 0 drawn) = 1 - 0.9^10 = 0.651.
  assert.ok(ci.usedResamples > 150 && ci.usedResamples < 250, `used ${ci.usedResamples}`);
  assert.equal(ci.lower, 1);
});

test('bootstrapMetric gives an AUROC interval that contains the estimate', () => {
  const rng = new Rng(9);
  const n = 300;
  const y = new Float32Array(n);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.uniform() < 0.3 ? 1 : 0;
    p[i] = 1 / (1 + Math.exp(-(y[i] * 1.5 - 0.8 + rng.normal())));
  }
  const ci = bootstrapMetric(p, y, 1, 'auroc', { seed: 4, resamples: 300, stratifyByLabel: true });
  assert.ok(ci.lower !== null && ci.upper !== null && ci.estimate !== null);
  assert.ok(ci.lower < ci.estimate && ci.estimate < ci.upper);
  assert.ok(ci.upper - ci.lower > 0.03 && ci.upper - ci.lower < 0.25, `width ${ci.upper - ci.lower}`);
  assert.equal(ci.usedResamples, 300);
});
