import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MedfedError, ErrorCodes, type ErrorCode } from '../../src/core/errors.js';
import { initialWeights, type ModelLayout } from '../../src/core/model-params.js';
import { allFinite, assertSameLayout, type Tensor, type Weights } from '../../src/core/tensors.js';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';
import type { FitReply, RoundContext, ServerStrategy, SiteState, SiteStrategy } from '../../src/strategies/strategy.js';
import { bnLayout, plain, plainState, reply, sgdOptions, weightsOf } from './fixtures.js';

/** What aggregating identical replies must give. */
export type Expectation =
  /** The replies' weights come back (FedBN: except normalisation tensors, which keep the global values). */
  | { readonly kind: 'average'; readonly keepsNormalization?: boolean; readonly keepsLastLayer?: boolean }
  /** Trainable tensors move from the global ones toward the replies by at most maxStep; others are averaged. */
  | { readonly kind: 'server-optimizer'; readonly maxStep: number }
  /** A baseline without aggregation: the global weights stay as they were. */
  | { readonly kind: 'no-aggregation' };

const STEPS = 5;
const TOTAL_SITES = 6;

interface SimSite {
  readonly id: string;
  readonly numExamples: number;
  readonly state: SiteState;
  readonly half: SiteStrategy;
}

/** A local "training" that is deterministic: start + a nonzero shift depending on the tensor element (and the site unless `same`). */
function shift(siteIndex: number, name: string, i: number): number {
  const sign = (i + name.length) % 2 === 0 ? 1 : -1;
  return sign * 0.01 * (1 + ((i + siteIndex) % 4));
}

function addShift(start: Weights, siteIndex: number): Map<string, Tensor> {
  return new Map([...start].map(([n, t]) => [n, { shape: [...t.shape], data: t.data.map((v, i) => v + shift(siteIndex, n, i)) }]));
}

/**
 * Registers node:test cases checking the contract every strategy plug-in keeps. `options` are the
 * raw options (validated here); `expect` says what identical replies aggregate to.
 */
export function strategyConformance(name: string, rawOptions: unknown, expect: Expectation): void {
  const plugin = getStrategy(name);
  const options = parseStrategyOptions(name, rawOptions, `conformance.${name}.options`);
  const layout: ModelLayout = bnLayout();
  const global0 = initialWeights(layout, 11);
  const ctx = (round: number): RoundContext => ({ round, totalSites: TOTAL_SITES, layout });
  const newServer = (): ServerStrategy => plugin.createServer(options, layout);
  const newSites = (counts: readonly number[]): SimSite[] =>
    counts.map((n, i) => ({ id: `site-${String.fromCharCode(97 + i)}`, numExamples: n, state: new Map(), half: plugin.createSite(options) }));

  /** One round: configure, each site's before/train/after, replies in site order. `same`: identical training. */
  function play(server: ServerStrategy, round: number, global: Weights, sites: SimSite[], same: boolean): FitReply[] {
    const directive = server.configureFit(ctx(round), global);
    return sites.map((s, i) => {
      const sctx = { round, layout, global, directive, state: s.state, baseOptions: sgdOptions() };
      const { start } = s.half.beforeTrain(sctx);
      const trained = addShift(start, same ? 0 : i + 1);
      const extra = s.half.afterTrain(sctx, trained, STEPS);
      return reply(s.id, trained, s.numExamples, extra, STEPS);
    });
  }

  function rejects(fn: () => unknown, code: ErrorCode, ...mentions: string[]): void {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof MedfedError, `expected a MedfedError, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      for (const m of mentions) assert.ok(`${e.message} ${e.where ?? ''}`.includes(m), `"${e.message}" (at ${e.where}) should mention ${m}`);
      return true;
    });
  }

  const label = `${name} ${JSON.stringify(rawOptions ?? {})}`;
  describe(`strategy conformance: ${label}`, () => {
    for (const counts of [[4], [1, 3], [2, 5, 1, 9, 3]]) {
      test(`identical replies from ${counts.length} site(s) aggregate as expected`, () => {
        const server = newServer();
        const replies = play(server, 1, global0, newSites(counts), true);
        const y = replies[0].weights;
        const out = server.aggregateFit(ctx(1), global0, replies);
        assertSameLayout(global0, out, 'aggregate');
        for (const p of layout.params) {
          const got = out.get(p.name)!.data;
          const want = y.get(p.name)!.data;
          const x = global0.get(p.name)!.data;
          for (let i = 0; i < got.length; i++) {
            if (expect.kind === 'no-aggregation') {
              assert.equal(got[i], x[i], `${p.name}[${i}] changed`);
            } else if (expect.kind === 'average' || !p.trainable) {
              const kept =
                expect.kind === 'average' &&
                ((expect.keepsNormalization && p.normalization) || (expect.keepsLastLayer && p.layerPath === layout.params[layout.params.length - 1].layerPath));
              const target = kept ? x[i] : want[i];
              assert.ok(Math.abs(got[i] - target) <= 1e-6, `${p.name}[${i}] = ${got[i]}, expected ${target}`);
            } else {
              const step = got[i] - x[i];
              assert.equal(Math.sign(step), Math.sign(want[i] - x[i]), `${p.name}[${i}] moved against the pseudo-gradient`);
              assert.ok(Math.abs(step) <= expect.maxStep * (1 + 1e-5), `${p.name}[${i}] step ${step} exceeds ${expect.maxStep}`);
            }
          }
        }
      });
    }

    test('output has exactly the global layout and finite values over several rounds', () => {
      const server = newServer();
      const sites = newSites([3, 1, 4]);
      let global: Weights = global0;
      for (let round = 1; round <= 3; round++) {
        const out = server.aggregateFit(ctx(round), global, play(server, round, global, sites, false));
        assert.deepEqual([...out.keys()], [...global0.keys()]);
        assertSameLayout(global0, out, 'aggregate');
        assert.ok(allFinite(out));
        global = out;
      }
    });

    test('the aggregate does not depend on the order of the replies', () => {
      const replies = play(newServer(), 1, global0, newSites([3, 1, 4, 1]), false);
      const a = newServer();
      const b = newServer();
      const outA = a.aggregateFit(ctx(1), global0, replies);
      const outB = b.aggregateFit(ctx(1), global0, [replies[2], replies[0], replies[3], replies[1]]);
      assert.deepEqual(plain(outB), plain(outA));
      assert.deepEqual(plainState(b.exportState()), plainState(a.exportState()));
    });

    test('a reply with a wrong shape, a missing, an unexpected or a non-finite tensor is rejected naming site and tensor', () => {
      const server = newServer();
      const replies = play(server, 1, global0, newSites([2, 2, 2]), false);
      const before = plainState(server.exportState());
      const withWeights = (w: Map<string, Tensor>): FitReply[] => replies.map((r) => (r.siteId === 'site-b' ? { ...r, weights: w } : r));
      const wrongShape = new Map(replies[1].weights).set('3.weight', { shape: [2, 5], data: new Float32Array(10) });
      rejects(() => server.aggregateFit(ctx(1), global0, withWeights(wrongShape)), ErrorCodes.SHAPE_MISMATCH, 'site-b', '3.weight', '[2, 5]');
      const missing = new Map(replies[1].weights);
      missing.delete('1.running_mean');
      rejects(() => server.aggregateFit(ctx(1), global0, withWeights(missing)), ErrorCodes.SHAPE_MISMATCH, 'site-b', '1.running_mean');
      const unexpected = new Map(replies[1].weights).set('9.weight', { shape: [1], data: new Float32Array(1) });
      rejects(() => server.aggregateFit(ctx(1), global0, withWeights(unexpected)), ErrorCodes.SHAPE_MISMATCH, 'site-b', '9.weight');
      const nan = weightsOf(layout, (n, i) => (n === '0.bias' && i === 2 ? Number.NaN : replies[1].weights.get(n)!.data[i]));
      rejects(() => server.aggregateFit(ctx(1), global0, withWeights(nan)), ErrorCodes.NUMERIC_DIVERGENCE, 'site-b', '0.bias');
      assert.deepEqual(plainState(server.exportState()), before, 'a rejected round must not change the server state');
    });

    test('zero-example replies and an empty reply list are rejected', () => {
      const server = newServer();
      const replies = play(server, 1, global0, newSites([2, 2]), false);
      rejects(() => server.aggregateFit(ctx(1), global0, [replies[0], { ...replies[1], numExamples: 0 }]), ErrorCodes.SITE_FAILURE, 'site-b', '0 training examples');
      rejects(() => server.aggregateFit(ctx(1), global0, []), ErrorCodes.QUORUM_NOT_MET, 'no site replies');
    });

    test('state export/import round-trips: a resumed server aggregates like the uninterrupted one', () => {
      const sites = newSites([3, 1, 4]);
      const a = newServer();
      const g1 = a.aggregateFit(ctx(1), global0, play(a, 1, global0, sites, false));
      const saved = a.exportState();
      const b = newServer();
      b.importState(saved);
      for (const w of Object.values(saved)) for (const t of w.values()) t.data.fill(Number.NaN);
      assert.deepEqual(plainState(b.exportState()), plainState(a.exportState()));
      const dirA = a.configureFit(ctx(2), g1);
      const dirB = b.configureFit(ctx(2), g1);
      assert.deepEqual(dirB.config, dirA.config);
      assert.deepEqual(plainState(dirB.extra), plainState(dirA.extra));
      const r2 = play(a, 2, g1, sites, false);
      assert.deepEqual(plain(b.aggregateFit(ctx(2), g1, r2)), plain(a.aggregateFit(ctx(2), g1, r2)));
      assert.deepEqual(plainState(b.exportState()), plainState(a.exportState()));
      rejects(() => newServer().importState({ ...a.exportState(), 'bogus.key': global0 }), ErrorCodes.FORMAT_INVALID, 'bogus.key');
    });

    test('the site half starts from the global layout with valid training options', () => {
      const server = newServer();
      const [site] = newSites([5]);
      let global: Weights = global0;
      for (let round = 1; round <= 2; round++) {
        const directive = server.configureFit(ctx(round), global);
        const base = { ...sgdOptions(), onEpochEnd: () => undefined };
        const sctx = { round, layout, global, directive, state: site.state, baseOptions: base };
        const { start, options } = site.half.beforeTrain(sctx);
        assertSameLayout(global, start, 'start weights');
        assert.ok(allFinite(start));
        assert.equal(options.epochs, base.epochs);
        assert.equal(options.batchSize, base.batchSize);
        assert.equal(options.seed, base.seed);
        assert.deepEqual(options.optimizer, base.optimizer);
        assert.equal(options.onEpochEnd, base.onEpochEnd);
        if (options.proximal) {
          assert.ok(Number.isFinite(options.proximal.mu) && options.proximal.mu >= 0);
          assertSameLayout(global, options.proximal.anchor, 'proximal anchor');
        }
        for (const [n, t] of options.gradientCorrection ?? new Map<string, Tensor>()) {
          const p = layout.params.find((q) => q.name === n);
          assert.ok(p?.trainable, `gradient correction for ${n}, which is not a trainable tensor`);
          assert.deepEqual(t.shape, p.shape);
        }
        if (options.gradientCorrection) assert.ok(allFinite(options.gradientCorrection));
        const trained = addShift(start, 1);
        const extra = site.half.afterTrain(sctx, trained, STEPS);
        for (const w of Object.values(extra)) assert.ok(allFinite(w));
        assertSameLayout(global, site.half.personalize({ layout, global, state: site.state }), 'personalized weights');
        global = server.aggregateFit(ctx(round), global, [reply(site.id, trained, site.numExamples, extra, STEPS)]);
      }
    });
  });
}
