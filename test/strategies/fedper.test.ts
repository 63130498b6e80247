import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialWeights, modelLayout } from '../../src/core/model-params.js';
import type { Weights } from '../../src/core/tensors.js';
import { fedper, FEDPER_LOCAL, personalParamNames } from '../../src/strategies/fedper.js';
import type { SiteState } from '../../src/strategies/strategy.js';

const layout = modelLayout({ inputShape: [4], layers: [{ type: 'dense', units: 3, activation: 'relu' }, { type: 'dense', units: 1 }], loss: 'mse' });
const shifted = (w: Weights, by: number) => new Map([...w].map(([n, t]) => [n, { shape: [...t.shape], data: t.data.map((v) => v + by) }]));

test('fedper: the trained head stays at the site; the reply carries the global head; the server keeps the global head', () => {
  assert.deepEqual(personalParamNames(layout, 'last'), ['1.weight', '1.bias']);
  assert.throws(() => personalParamNames(layout, '7'), /layer "7"/);
  const global = initialWeights(layout, 1);
  const site = fedper.createSite({ personalLayers: 'last', localAdaptation: false });
  const state: SiteState = new Map();
  const ctx = { round: 1, layout, global, directive: { config: {}, extra: {} }, state, baseOptions: { epochs: 1, batchSize: 8, optimizer: { name: 'sgd' as const, lr: 0.1 }, seed: 1 } };
  const trained = shifted(global, 0.5);
  site.afterTrain(ctx, trained, 1);
  const sent = site.outgoing!(ctx, trained);
  assert.deepEqual(sent.get('1.weight'), global.get('1.weight'), 'head in the reply = the head received');
  assert.deepEqual(sent.get('0.weight'), trained.get('0.weight'), 'trunk in the reply = trained trunk');
  assert.deepEqual(state.get(FEDPER_LOCAL)!.get('1.weight'), trained.get('1.weight'), 'trained head kept in site state');
  // Next round: the site starts and evaluates with its own head on the new global trunk.
  const next = shifted(global, 1);
  assert.deepEqual(site.beforeTrain({ ...ctx, global: next }).start.get('1.bias'), trained.get('1.bias'));
  assert.deepEqual(site.personalize({ layout, global: next, state }).get('0.bias'), next.get('0.bias'));
  const server = fedper.createServer({ personalLayers: 'last', localAdaptation: false }, layout);
  const reply = (id: string, w: Weights) => ({ siteId: id, weights: w, numExamples: 10, steps: 1, extra: {}, metrics: {} });
  const agg = server.aggregateFit({ round: 1, totalSites: 2, layout }, global, [reply('a', shifted(global, 1)), reply('b', shifted(global, 3))]);
  assert.deepEqual(agg.get('1.weight'), global.get('1.weight'));
  const w0 = agg.get('0.weight')!.data;
  assert.ok(Math.abs(w0[0] - (global.get('0.weight')!.data[0] + 2)) < 1e-6, 'trunk averaged');
});

test('fedper localAdaptation: the site evaluates the whole model its latest local training left, and still sends only the trunk', () => {
  const global = initialWeights(layout, 2);
  const plain = fedper.createSite(fedper.schema.parse({}));
  const adapted = fedper.createSite(fedper.schema.parse({ localAdaptation: true }));
  assert.equal(fedper.schema.parse({}).localAdaptation, false);
  const stateA: SiteState = new Map();
  const stateB: SiteState = new Map();
  const ctx = (state: SiteState) => ({ round: 1, layout, global, directive: { config: {}, extra: {} }, state, baseOptions: { epochs: 1, batchSize: 8, optimizer: { name: 'sgd' as const, lr: 0.1 }, seed: 1 } });
  // Before any training both evaluate the global model.
  assert.deepEqual(adapted.personalize({ layout, global, state: stateA }), global);
  const trained = shifted(global, 0.25);
  plain.afterTrain(ctx(stateB), trained, 1);
  adapted.afterTrain(ctx(stateA), trained, 1);
  const nextGlobal = shifted(global, 2);
  // Plain fedper: averaged trunk + own head; localAdaptation: the locally trained trunk + head.
  assert.deepEqual(plain.personalize({ layout, global: nextGlobal, state: stateB }).get('0.weight'), nextGlobal.get('0.weight'));
  const own = adapted.personalize({ layout, global: nextGlobal, state: stateA });
  assert.deepEqual(own.get('0.weight'), trained.get('0.weight'));
  assert.deepEqual(own.get('1.bias'), trained.get('1.bias'));
  // The reply is the same as plain fedper's: trained trunk, received head.
  const sent = adapted.outgoing!(ctx(stateA), trained);
  assert.deepEqual(sent.get('0.weight'), trained.get('0.weight'));
  assert.deepEqual(sent.get('1.weight'), global.get('1.weight'));
  // The next round still starts from the new global trunk with the site's own head.
  const start = adapted.beforeTrain({ ...ctx(stateA), global: nextGlobal }).start;
  assert.deepEqual(start.get('0.weight'), nextGlobal.get('0.weight'));
  assert.deepEqual(start.get('1.weight'), trained.get('1.weight'));
});
