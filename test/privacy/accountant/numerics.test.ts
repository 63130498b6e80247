import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convolveReal } from '../../../src/privacy/accountant/fft.js';
import { erfc, logAbsGamma, logErfc } from '../../../src/privacy/accountant/log-math.js';
import { coarsen, deltaForEpsilon, epsilonForDelta, type LossPmf } from '../../../src/privacy/accountant/pld-pmf.js';

test('erfc, log erfc and log Γ match tabulated values', () => {
  // Values from Abramowitz & Stegun / high-precision tables.
  const erfcTable: [number, number][] = [[0, 1], [0.5, 0.4795001221869535], [1, 0.15729920705028513], [2, 0.004677734981047266], [3, 2.209049699858544e-5], [5, 1.5374597944280349e-12], [-1, 1.8427007929497148]];
  for (const [x, v] of erfcTable) assert.ok(Math.abs(erfc(x) - v) <= 1e-13 * v, `erfc(${x}) = ${erfc(x)}`);
  // erfc(30) ≈ 2.5646562037561116e-393 underflows; its log does not.
  assert.ok(Math.abs(logErfc(30) - Math.log(2.5646562037561116) + 393 * Math.LN10) < 1e-10);
  assert.ok(Math.abs(logAbsGamma(10) - Math.log(362880)) < 1e-12);
  assert.ok(Math.abs(logAbsGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-13);
  assert.ok(Math.abs(logAbsGamma(-2.5) - Math.log((8 * Math.sqrt(Math.PI)) / 15)) < 1e-12);
});

test('FFT convolution equals direct convolution', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const a = Float64Array.from({ length: 1000 }, rand);
  const b = Float64Array.from({ length: 777 }, rand);
  const fast = convolveReal(a, b);
  assert.equal(fast.length, 1776);
  for (let k = 0; k < fast.length; k += 37) {
    let direct = 0;
    for (let i = Math.max(0, k - b.length + 1); i <= Math.min(k, a.length - 1); i++) direct += a[i] * b[k - i];
    assert.ok(Math.abs(fast[k] - direct) < 1e-9, `k=${k}: ${fast[k]} vs ${direct}`);
  }
});

test('ε(δ) of a PMF is the exact inverse of δ(ε), and coarsening never lowers δ', () => {
  const pmf: LossPmf = { interval: 0.1, offset: -5, probs: Float64Array.from([0.1, 0.2, 0.1, 0.15, 0.05, 0.1, 0.1, 0.1, 0.05, 0.03, 0.02]), infinityMass: 1e-6 };
  // δ(0) is 0.0584 here, so any δ above it is met at ε = 0.
  assert.equal(epsilonForDelta(pmf, 0.2), 0);
  for (const d of [0.05, 0.01, 1e-3]) {
    const e = epsilonForDelta(pmf, d);
    assert.ok(Math.abs(deltaForEpsilon(pmf, e) - d) < 1e-12, `δ=${d}`);
  }
  assert.equal(epsilonForDelta(pmf, 1e-7), Infinity);
  const coarse = coarsen(pmf);
  for (const e of [0, 0.05, 0.2, 0.35]) assert.ok(deltaForEpsilon(coarse, e) >= deltaForEpsilon(pmf, e) - 1e-15, `ε=${e}`);
  // Coarsening keeps total P-mass and Q-mass (P-mass·e^{-loss}).
  const mass = (p: LossPmf, w: (l: number) => number) => p.probs.reduce((s, v, i) => s + v * w((p.offset + i) * p.interval), 0);
  assert.ok(Math.abs(mass(coarse, () => 1) - mass(pmf, () => 1)) < 1e-15);
  assert.ok(Math.abs(mass(coarse, (l) => Math.exp(-l)) - mass(pmf, (l) => Math.exp(-l))) < 1e-14);
});
