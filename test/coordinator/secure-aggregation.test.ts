import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialWeights } from '../../src/core/model-params.js';
import type { Weights } from '../../src/core/tensors.js';
import { runFederated, type FederatedRunOptions } from '../../src/coordinator/federated-run.js';
import { plainRunOptions } from '../fixtures/federated-run-options.js';
import { withSecureAggregation } from '../../src/site/secure-aggregation-site.js';
import type { SiteConnection } from '../../src/transport/transport.js';
import { examples, layout, plus, shift, shiftingTrainer } from './shifting-sites.js';

// Five sites whose training shifts every weight by a known amount (shifting-sites.ts).
const SITES = ['site-a', 'site-b', 'site-c', 'site-d', 'site-e'];


interface Seen {
  clearWeights: number;
  stages: string[];
}

function sites(drop: { site: string; stage: string } | undefined, seen: Seen): SiteConnection[] {
  return SITES.map((siteId, i) => {
    const handle = withSecureAggregation(siteId, shiftingTrainer(siteId, i));
    return {
      siteId,
      async request(req) {
        if (req.kind === 'secagg') seen.stages.push(`${siteId}:${req.stage}`);
        if (drop && drop.site === siteId && req.kind === 'secagg' && req.stage === drop.stage) throw new Error(`${siteId} went offline`);
        const reply = await handle(req);
        if (reply.kind === 'fit' && reply.weights.length > 0) seen.clearWeights++;
        return reply;
      },
    };
  });
}

function options(conns: SiteConnection[], strategyName = 'fedavg', secure = true): FederatedRunOptions {
  return {
    ...plainRunOptions({ jobId: 'secure-job', sites: conns, layout, initial: initialWeights(layout, 1), rounds: 2, seed: 3, batchSize: 8, strategyName }),
    ...(secure ? { secureAggregation: { clipRange: 1, modulusBits: 32, exampleScale: 50 } } : {}),
  };
}

function maxDiff(a: Weights, b: Weights): number {
  let m = 0;
  for (const [k, t] of a) t.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - b.get(k)!.data[i]))));
  return m;
}

const weightedShift = (ids: number[]) => ids.reduce((a, i) => a + examples(i) * shift(i), 0) / ids.reduce((a, i) => a + examples(i), 0);

test('secure aggregation: the coordinator gets the example-weighted mean update and never a site\'s weights', async () => {
  const seen: Seen = { clearWeights: 0, stages: [] };
  const result = await runFederated(options(sites(undefined, seen)));
  const expected = plus(initialWeights(layout, 1), 2 * weightedShift([0, 1, 2, 3, 4]));
  // quantisation: 5 values of step 1 / scale each, scale = (2^31 - 1 - 5) / (5 · 1) per unit, times exampleScale / n
  assert.ok(maxDiff(result.final, expected) < 1e-6, String(maxDiff(result.final, expected)));
  assert.equal(seen.clearWeights, 0, 'no fit reply carried weights');
  assert.equal(seen.stages.filter((s) => s.endsWith(':mask')).length, 2 * SITES.length);
  const plain = await runFederated(options(sites(undefined, { clearWeights: 0, stages: [] }), 'fedavg', false));
  assert.ok(maxDiff(result.final, plain.final) < 1e-6);
});

test('a site that drops at the masked-input stage is left out; the survivors\' mean is recovered', async () => {
  const seen: Seen = { clearWeights: 0, stages: [] };
  const result = await runFederated(options(sites({ site: 'site-e', stage: 'mask' }, seen)));
  const expected = plus(initialWeights(layout, 1), 2 * weightedShift([0, 1, 2, 3]));
  assert.ok(maxDiff(result.final, expected) < 1e-6, String(maxDiff(result.final, expected)));
  for (const r of result.rounds) assert.match(r.failed['site-e'] ?? '', /went offline/);
});

test('a site that drops after masking (unmask stage) still counts: its masked input is in the sum', async () => {
  const result = await runFederated(options(sites({ site: 'site-b', stage: 'unmask' }, { clearWeights: 0, stages: [] })));
  const expected = plus(initialWeights(layout, 1), 2 * weightedShift([0, 1, 2, 3, 4]));
  assert.ok(maxDiff(result.final, expected) < 1e-6);
});

test('strategies that need each update, and fewer than 3 sites, are refused up front', async () => {
  await assert.rejects(runFederated(options(sites(undefined, { clearWeights: 0, stages: [] }), 'median')), /needs each site's own update/);
  const two = sites(undefined, { clearWeights: 0, stages: [] }).slice(0, 2);
  await assert.rejects(runFederated({ ...options(two), minSites: 2 }), /at least 3 sites/);
});
