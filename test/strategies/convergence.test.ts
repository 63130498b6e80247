import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tensor, Weights } from '../../src/core/tensors.js';
import type { TrainOptions } from '../../src/engine/engine.js';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';
import type { FitReply, SiteState } from '../../src/strategies/strategy.js';
import { reply, sgdOptions, vectorLayout } from './fixtures.js';

// Site i minimises f_i(w) = ½||w − a_i||² with local SGD; the federation's (example-weighted)
// optimum is w* = Σ n_i a_i / Σ n_i.
const DIM = 3;
const layout = vectorLayout(DIM);
const LR = 0.05;

interface QuadSite {
  readonly a: readonly number[];
  readonly n: number;
  readonly steps: number;
}

const targets = [
  [1, 0, -2],
  [-3, 4, 1],
  [5, -1, 0],
  [0, 2, 6],
];
const counts = [10, 30, 20, 40];
const sitesWith = (steps: readonly number[]): QuadSite[] => targets.map((a, i) => ({ a, n: counts[i], steps: steps[i] }));
const weightedOptimum = (sites: QuadSite[]) => {
  const total = sites.reduce((s, q) => s + q.n, 0);
  return Array.from({ length: DIM }, (_, d) => sites.reduce((s, q) => s + q.n * q.a[d], 0) / total);
};

const vec = (v: readonly number[]): Map<string, Tensor> => new Map([['0.weight', { shape: [1, DIM], data: Float32Array.from(v) }]]);
const read = (w: Weights): number[] => Array.from(w.get('0.weight')!.data);
const distance = (u: readonly number[], v: readonly number[]) => Math.hypot(...u.map((x, i) => x - v[i]));

/** K steps of SGD on ½||w − a||², with the proximal term and gradient correction the strategy asked for. */
function localSgd(start: Weights, site: QuadSite, options: TrainOptions): Map<string, Tensor> {
  const w = read(start);
  const anchor = options.proximal ? read(options.proximal.anchor) : undefined;
  const corr = options.gradientCorrection ? read(options.gradientCorrection) : undefined;
  const lr = options.optimizer.lr;
  for (let k = 0; k < site.steps; k++) {
    for (let d = 0; d < DIM; d++) {
      let g = w[d] - site.a[d];
      if (anchor) g += options.proximal!.mu * (w[d] - anchor[d]);
      if (corr) g += corr[d];
      w[d] -= lr * g;
    }
  }
  return vec(w);
}

/** Run `rounds` full-participation rounds of a strategy from w = 0; returns the final global weights. */
function simulate(name: string, rawOptions: unknown, sites: QuadSite[], rounds: number): number[] {
  const plugin = getStrategy(name);
  const options = parseStrategyOptions(name, rawOptions, 'test');
  const server = plugin.createServer(options, layout);
  const halves = sites.map(() => ({ half: plugin.createSite(options), state: new Map() as SiteState }));
  let global: Weights = vec([0, 0, 0]);
  for (let round = 1; round <= rounds; round++) {
    const ctx = { round, totalSites: sites.length, layout };
    const directive = server.configureFit(ctx, global);
    const replies: FitReply[] = sites.map((site, i) => {
      const sctx = { round, layout, global, directive, state: halves[i].state, baseOptions: sgdOptions(LR) };
      const { start, options: trainOptions } = halves[i].half.beforeTrain(sctx);
      const trained = localSgd(start, site, trainOptions);
      return reply(`site-${i}`, trained, site.n, halves[i].half.afterTrain(sctx, trained, site.steps), site.steps);
    });
    global = server.aggregateFit(ctx, global, replies);
  }
  return read(global);
}

describe('convergence on heterogeneous quadratic objectives', () => {
  const equal = sitesWith([10, 10, 10, 10]);
  const optimum = weightedOptimum(equal);
  for (const [name, options, rounds, tol] of [
    ['fedavg', {}, 40, 1e-4],
    ['fedprox', { mu: 0.1 }, 40, 1e-4],
    ['scaffold', {}, 40, 1e-4],
    ['fedadam', { eta: 0.1 }, 150, 5e-3],
  ] as const) {
    test(`${name} reaches the example-weighted optimum with equal local steps`, () => {
      const start = distance([0, 0, 0], optimum);
      const end = distance(simulate(name, options, equal, rounds), optimum);
      assert.ok(end < tol, `${name}: distance to the optimum ${end} after ${rounds} rounds (started at ${start})`);
    });
  }

  test('with heterogeneous local step counts FedAvg drifts to a biased point and SCAFFOLD does not', () => {
    const sites = sitesWith([1, 5, 20, 50]);
    const optimum = weightedOptimum(sites);
    // FedAvg's fixed point: y_i = a_i + q_i(x − a_i) with q_i = (1 − lr)^K_i, so
    // x = Σ n_i (1 − q_i) a_i / Σ n_i (1 − q_i): sites taking more steps pull harder.
    const pull = sites.map((s) => s.n * (1 - (1 - LR) ** s.steps));
    const biased = Array.from({ length: DIM }, (_, d) => sites.reduce((acc, s, i) => acc + pull[i] * s.a[d], 0) / pull.reduce((a, b) => a + b, 0));
    const fedavg = simulate('fedavg', {}, sites, 150);
    assert.ok(distance(fedavg, biased) < 1e-3, `FedAvg ends at ${fedavg}, its predicted fixed point is ${biased}`);
    assert.ok(distance(biased, optimum) > 0.5, 'the example is heterogeneous enough to show client drift');
    const scaffold = simulate('scaffold', {}, sites, 150);
    assert.ok(distance(scaffold, optimum) < 1e-3, `SCAFFOLD ends at ${scaffold}, the optimum is ${optimum}`);
  });
});
