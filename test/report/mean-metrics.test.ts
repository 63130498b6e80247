import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanOfMetrics } from '../../src/report/mean-metrics.js';
import { buildComparison } from '../../src/report/comparison.js';
import { fixtureResults } from './fixture-results.js';

test('mean over site models skips nulls and keeps an all-null metric null with a reason', () => {
  const m = meanOfMetrics([
    { task: 'binary', n: 10, auroc: 0.8, ppv: null, brier: 0.1 },
    { task: 'binary', n: 20, auroc: 0.6, ppv: 0.5, brier: 0.3 },
    { task: 'binary', n: 30, auroc: null, ppv: null, brier: 0.2, sensitivity: null },
  ]);
  assert.equal(m.task, 'binary');
  assert.ok(Math.abs((m.auroc as number) - 0.7) < 1e-12);
  assert.equal(m.ppv, 0.5);
  assert.ok(Math.abs((m.brier as number) - 0.2) < 1e-12);
  assert.equal(m.sensitivity, null);
  assert.equal(m.undefinedReasons?.sensitivity, 'undefined for every site');
  assert.equal(m.n, undefined);
});

test('the comparison lists each model\'s baselines first, then its strategies, with final metrics', () => {
  const results = fixtureResults();
  const rows = buildComparison(results.runs);
  assert.deepEqual(rows.map((r) => r.run), [
    'pooled/mlp', 'local-only/mlp', 'fedavg/mlp', 'fedprox/mlp', 'scaffold/mlp',
    'pooled/logreg', 'local-only/logreg', 'fedavg/logreg', 'fedprox/logreg',
  ]);
  const fedavg = results.runs.find((r) => r.name === 'fedavg/mlp');
  assert.equal(rows[2].auroc, fedavg?.metrics.auroc);
  assert.equal(rows[2].strategy, 'fedavg');
  assert.equal(rows[0].strategy, undefined);
});
