import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initialWeights } from '../../src/core/model-params.js';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';
import { assertClose, bnLayout, reply, tensors, vectorLayout, weightsOf } from './fixtures.js';

// Hand computation (η = 0.1, β1 = 0.9, β2 = 0.99, τ = 1e-3, m0 = 0, v0 = τ² = 1e-6), x0 = [1, -2].
// Round 1: site a (1 example) y = [2, -2], site b (3 examples) y = [1.5, -3]
//   mean = [(2 + 4.5)/4, (-2 - 9)/4] = [1.625, -2.75], Δ1 = [0.625, -0.75], m1 = 0.1·Δ1 = [0.0625, -0.075]
//   Adam    v1 = 0.99e-6 + 0.01·Δ1² = [0.00390724, 0.00562599]
//   Yogi    v1 = 1e-6 + 0.01·Δ1² (Δ² > v) = [0.00390725, 0.005626]
//   Adagrad v1 = 1e-6 + Δ1² = [0.390626, 0.562501]
//   x1 = x0 + 0.1·m1/(√v1 + 1e-3)
// Round 2: one site, y = [1.12, -3]; Δ2 = y − x1; m2 = 0.9·m1 + 0.1·Δ2; v2 per variant (Yogi: the
// first coordinate has Δ2² < v1, so v shrinks there); x2 = x1 + 0.1·m2/(√v2 + 1e-3).
const expected = {
  fedadam: {
    v1: [0.00390724, 0.00562599],
    x1: [1.098412923134287, -2.098675641702864],
    x2: [1.190784925727006, -2.2322402697809482],
    v2: [0.003872827618876066, 0.013693586088597456],
  },
  fedyogi: {
    v1: [0.00390725, 0.005626],
    x1: [1.0984127991809047, -2.0986755551605287],
    x2: [1.1904374791114654, -2.2319689163641545],
    v2: [0.003902589927607964, 0.013749857548651823],
  },
  fedadagrad: {
    v1: [0.390626, 0.562501],
    x1: [1.0099840127999917, -2.0099866755555515],
    x2: [1.0205646560589743, -2.023381519852103],
    v2: [0.4027295174395924, 1.5426273825775487],
  },
};

const layout = vectorLayout(2);
const ctx = (round: number) => ({ round, totalSites: 2, layout });
const w = (a: number, b: number) => tensors({ '0.weight': [[1, 2], [a, b]] });

for (const [name, e] of Object.entries(expected)) {
  describe(`${name} against hand-computed steps`, () => {
    const options = parseStrategyOptions(name, { eta: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-3 }, 'test');
    test('one and two server steps', () => {
      const server = getStrategy(name).createServer(options, layout);
      const x0 = w(1, -2);
      const x1 = server.aggregateFit(ctx(1), x0, [reply('a', w(2, -2), 1), reply('b', w(1.5, -3), 3)]);
      assertClose(x1, w(e.x1[0], e.x1[1]), 1e-6, 'x1');
      const s1 = server.exportState();
      assertClose(s1['fedopt.m'], w(0.0625, -0.075), 1e-6, 'm1');
      assertClose(s1['fedopt.v'], w(e.v1[0], e.v1[1]), 1e-5, 'v1');
      const x2 = server.aggregateFit(ctx(2), x1, [reply('a', w(1.12, -3), 2)]);
      assertClose(x2, w(e.x2[0], e.x2[1]), 1e-5, 'x2');
      assertClose(server.exportState()['fedopt.v'], w(e.v2[0], e.v2[1]), 1e-4, 'v2');
    });
  });
}

test('server optimizers plain-average batch-norm running statistics and step the trainable tensors', () => {
  const bn = bnLayout();
  const global = initialWeights(bn, 3);
  const server = getStrategy('fedadam').createServer(parseStrategyOptions('fedadam', {}, 'test'), bn);
  const ya = weightsOf(bn, (n, i) => global.get(n)!.data[i] + 0.5);
  const yb = weightsOf(bn, (n, i) => global.get(n)!.data[i] - 0.25 + i);
  const out = server.aggregateFit({ round: 1, totalSites: 2, layout: bn }, global, [reply('a', ya, 1), reply('b', yb, 3)]);
  for (const stat of ['1.running_mean', '1.running_var']) {
    const g = global.get(stat)!.data;
    // (1·(g + 0.5) + 3·(g − 0.25 + i)) / 4 = g − 0.0625 + 0.75·i
    assert.deepEqual(Array.from(out.get(stat)!.data), Array.from(g, (v, i) => Math.fround(v - 0.0625 + 0.75 * i)));
  }
  // Trainable: |step| ≤ η = 0.01 (Adam's first step), never the plain mean.
  const x = global.get('0.weight')!.data;
  const got = out.get('0.weight')!.data;
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(got[i] - x[i]) <= 0.0100001, `0.weight[${i}] moved ${got[i] - x[i]}`);
});

test('fedopt defaults: η = 0.01 for Adam and Yogi, 0.1 for Adagrad; β1 0.9, β2 0.99, τ 1e-3', () => {
  assert.deepEqual(parseStrategyOptions('fedadam', undefined, 'x'), { eta: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3 });
  assert.deepEqual(parseStrategyOptions('fedyogi', {}, 'x'), { eta: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3 });
  assert.deepEqual(parseStrategyOptions('fedadagrad', { beta1: 0 }, 'x'), { eta: 0.1, beta1: 0, beta2: 0.99, tau: 1e-3 });
});
