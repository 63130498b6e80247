import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError, type ErrorCode } from '../../src/core/errors.js';
import { initialWeights } from '../../src/core/model-params.js';
import { Rng } from '../../src/core/random.js';
import { l2Norm, subtractWeights, type Weights } from '../../src/core/tensors.js';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';
import type { FitReply, RoundContext } from '../../src/strategies/strategy.js';
import { strategyConformance } from './conformance.js';
import { bnLayout, reply, weightsOf } from './fixtures.js';

// Non-default options through the shared strategy suite (defaults run in conformance.test.ts).
strategyConformance('median', { weighting: 'examples' }, { kind: 'average' });
strategyConformance('trimmed-mean', { beta: 0.3, weighting: 'examples' }, { kind: 'average' });
strategyConformance('multi-krum', { m: 1 }, { kind: 'average' });
strategyConformance('norm-bound', { bound: 0.5, weighting: 'examples' }, { kind: 'average' });

const layout = bnLayout();
const global0 = initialWeights(layout, 5);
const ctx = (totalSites: number): RoundContext => ({ round: 1, totalSites, layout });

function rejects(fn: () => unknown, code: ErrorCode, ...mentions: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MedfedError, String(e));
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.ok(`${e.message} ${e.where ?? ''}`.includes(m), `"${e.message}" should mention ${m}`);
    return true;
  });
}

/** `honest` sites near global + a common step, then `bad` sites sending a sign-flipped, 20x step. */
function poisonedRound(honest: number, bad: number, badExamples = 10): { replies: FitReply[]; honestMean: Weights } {
  const rng = new Rng(9);
  const step = weightsOf(layout, () => rng.normal() * 0.05);
  const near = () => weightsOf(layout, (n, i) => global0.get(n)!.data[i] + step.get(n)!.data[i] + rng.normal() * 0.002);
  const good = Array.from({ length: honest }, near);
  const honestMean = weightsOf(layout, (n, i) => good.reduce((a, w) => a + w.get(n)!.data[i], 0) / honest);
  const evil = Array.from({ length: bad }, () => weightsOf(layout, (n, i) => global0.get(n)!.data[i] - 20 * step.get(n)!.data[i]));
  const replies = [...good, ...evil].map((w, i) => reply(`site-${String(i).padStart(2, '0')}`, w, i < honest ? 10 : badExamples));
  return { replies, honestMean };
}

function aggregate(name: string, options: unknown, replies: FitReply[]): Weights {
  const server = getStrategy(name).createServer(parseStrategyOptions(name, options, 'o'), layout);
  return server.aggregateFit(ctx(replies.length), global0, replies);
}

function distanceAfter(name: string, options: unknown, replies: FitReply[], reference: Weights): number {
  return l2Norm(subtractWeights(aggregate(name, options, replies), reference));
}

test('with 2 of 10 sites sign-flipping a 20x step, every robust strategy stays near the honest mean; FedAvg does not', () => {
  const { replies, honestMean } = poisonedRound(8, 2);
  const fedavg = distanceAfter('fedavg', {}, replies, honestMean);
  const honestStep = l2Norm(subtractWeights(honestMean, global0));
  assert.ok(fedavg > 3 * honestStep, `FedAvg moved ${fedavg} from the honest mean (honest step ${honestStep})`);
  const robust: [string, unknown][] = [
    ['median', {}],
    ['trimmed-mean', { beta: 0.2 }],
    ['krum', { f: 2 }],
    ['multi-krum', { f: 2 }],
  ];
  for (const [name, options] of robust) {
    const d = distanceAfter(name, options, replies, honestMean);
    assert.ok(d < 0.05 * fedavg && d < 0.1 * honestStep, `${name}: ${d} from the honest mean (FedAvg ${fedavg}, honest step ${honestStep})`);
  }
  // norm bounding limits each attacker to bound/n: against the same round with the 2 attackers sending the
  // global model back (zero deltas), the 2 aligned attackers move the result by exactly 2·bound/10
  const bound = honestStep * 1.5;
  const silenced = replies.map((r, i) => (i < 8 ? r : { ...r, weights: global0 }));
  const influence = distanceAfter('norm-bound', { bound }, replies, aggregate('norm-bound', { bound }, silenced));
  assert.ok(Math.abs(influence - (2 * bound) / 10) < 1e-5, `norm-bound influence ${influence}, expected ${(2 * bound) / 10}`);
  const fedavgInfluence = distanceAfter('fedavg', {}, replies, aggregate('fedavg', {}, silenced));
  assert.ok(fedavgInfluence > 10 * influence, `FedAvg influence ${fedavgInfluence}`);
});

test('weighting: a Byzantine site claiming a huge example count sways the weighted median, not the default uniform one', () => {
  const { replies, honestMean } = poisonedRound(6, 1, 1_000_000);
  const uniform = distanceAfter('median', {}, replies, honestMean);
  const byExamples = distanceAfter('median', { weighting: 'examples' }, replies, honestMean);
  assert.ok(uniform < 0.01, `uniform median ${uniform} from the honest mean`);
  assert.ok(byExamples > 100 * uniform, `example-weighted median ${byExamples}`);
});

test('Krum checks f against the federation (CONFIG_INVALID) and the round\'s replies (QUORUM_NOT_MET), naming the numbers', () => {
  const krum = getStrategy('krum').createServer(parseStrategyOptions('krum', { f: 2 }, 'o'), layout);
  rejects(() => krum.configureFit(ctx(6), global0), ErrorCodes.CONFIG_INVALID, 'f = 2 needs more than 2f + 2 = 6 sites; the federation has 6');
  assert.deepEqual(krum.configureFit(ctx(7), global0), { config: {}, extra: {} });
  const { replies } = poisonedRound(5, 1);
  rejects(() => krum.aggregateFit(ctx(7), global0, replies), ErrorCodes.QUORUM_NOT_MET, '6 replies cannot tolerate f = 2', 'n > 2f + 2 = 6');
  const multi = getStrategy('multi-krum').createServer(parseStrategyOptions('multi-krum', { f: 1, m: 5 }, 'o'), layout);
  rejects(() => multi.configureFit(ctx(5), global0), ErrorCodes.CONFIG_INVALID, 'm = 5 needs at least m + f = 6 sites');
  rejects(() => multi.aggregateFit(ctx(8), global0, replies.slice(0, 5)), ErrorCodes.QUORUM_NOT_MET, 'm = 5 exceeds n − f = 5 − 1 = 4 replies');
});

test('robust strategy options: defaults, ranges and integers', () => {
  assert.deepEqual(parseStrategyOptions('median', undefined, 'x'), { weighting: 'uniform' });
  assert.deepEqual(parseStrategyOptions('trimmed-mean', {}, 'x'), { beta: 0.1, weighting: 'uniform' });
  assert.deepEqual(parseStrategyOptions('krum', {}, 'x'), { f: 0 });
  assert.deepEqual(parseStrategyOptions('multi-krum', { f: 3 }, 'x'), { f: 3, weighting: 'uniform' });
  assert.deepEqual(parseStrategyOptions('norm-bound', {}, 'x'), { bound: 5, weighting: 'uniform' });
  const cases: [string, unknown, string][] = [
    ['krum', { f: 1.5 }, 's.options.f: expected an integer'],
    ['krum', { f: -1 }, 's.options.f: expected number >= 0'],
    ['krum', { beta: 0.1 }, 's.options.beta: unknown option (known options: f)'],
    ['multi-krum', { m: 0 }, 's.options.m: expected number >= 1'],
    ['trimmed-mean', { beta: 0.5 }, 's.options.beta: expected number < 0.5'],
    ['norm-bound', { bound: 0 }, 's.options.bound: expected number > 0'],
    ['median', { weighting: 'sites' }, 's.options.weighting: expected one of "uniform", "examples"'],
  ];
  for (const [name, options, text] of cases) rejects(() => parseStrategyOptions(name, options, 's.options'), ErrorCodes.CONFIG_INVALID, text);
});
