import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, deriveSeed } from '../../src/core/random.js';

test('the same seed gives the same stream, another seed another', () => {
  const a = Array.from({ length: 5 }, ((r) => () => r.uniform())(new Rng(3)));
  const b = Array.from({ length: 5 }, ((r) => () => r.uniform())(new Rng(3)));
  const c = Array.from({ length: 5 }, ((r) => () => r.uniform())(new Rng(4)));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(deriveSeed(1, 'a', 2), deriveSeed(1, 'a', 2));
  assert.notEqual(deriveSeed(1, 'a', 2), deriveSeed(1, 'a', 3));
});

test('normal and gamma draws have the right moments', () => {
  const r = new Rng(11);
  const n = 40000;
  let s = 0, s2 = 0, g = 0, g2 = 0;
  for (let i = 0; i < n; i++) {
    const x = r.normal();
    s += x; s2 += x * x;
    const y = r.gamma(0.5);
    g += y; g2 += y * y;
  }
  assert.ok(Math.abs(s / n) < 0.02);
  assert.ok(Math.abs(s2 / n - 1) < 0.03);
  // Gamma(0.5, 1): mean 0.5, variance 0.5.
  assert.ok(Math.abs(g / n - 0.5) < 0.02);
  assert.ok(Math.abs(g2 / n - (g / n) ** 2 - 0.5) < 0.04);
});

test('dirichlet draws sum to one; permutations and samples are valid', () => {
  const r = new Rng(5);
  const p = r.dirichlet(0.5, 4);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  const perm = Array.from(r.permutation(50)).sort((a, b) => a - b);
  assert.deepEqual(perm, Array.from({ length: 50 }, (_, i) => i));
  const s = r.sample(10, 4);
  assert.equal(new Set(s).size, 4);
  assert.ok(s.every((x, i) => x >= 0 && x < 10 && (i === 0 || x > s[i - 1])));
});
