import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { parseResults, resultsSchema } from '../../src/report/results-schema.js';
import { fixtureResults } from './fixture-results.js';

function rejection(input: unknown): MedfedError {
  try {
    parseResults(input);
  } catch (e) {
    assert.ok(e instanceof MedfedError);
    return e;
  }
  assert.fail('expected parseResults to throw');
}

test('the fixture results validate and survive a JSON round trip', () => {
  const results = fixtureResults();
  const parsed = parseResults(JSON.parse(JSON.stringify(results)));
  assert.equal(parsed.runs.length, 9);
  assert.equal(parsed.runs[0].metrics.auroc, results.runs[0].metrics.auroc);
  assert.deepEqual(parsed.runs[1].localModels?.map((m) => m.siteId), ['cleveland', 'hungary', 'switzerland', 'va-long-beach']);
});

test('a run without finalWeightsSha256 is rejected with the path named', () => {
  const results = JSON.parse(JSON.stringify(fixtureResults()));
  delete results.runs[2].finalWeightsSha256;
  const e = rejection(results);
  assert.equal(e.code, ErrorCodes.DATA_INVALID);
  assert.match(e.message, /runs\[2\]\.finalWeightsSha256/);
  assert.equal(e.where, 'results.json');
});

test('a hash that is not 64 lowercase hex characters is rejected', () => {
  const results = JSON.parse(JSON.stringify(fixtureResults()));
  results.runs[0].finalWeightsSha256 = 'ABC';
  assert.match(rejection(results).message, /runs\[0\]\.finalWeightsSha256: expected a sha256 digest/);
});

test('cross-field rules: strategy, local models, site ids, rounds, comparison runs, createdAt', () => {
  const base = () => JSON.parse(JSON.stringify(fixtureResults()));
  const a = base();
  delete a.runs[2].strategy;
  assert.match(rejection(a).message, /runs\[2\]\.strategy: a federated run must name its strategy/);
  const b = base();
  delete b.runs[1].localModels;
  assert.match(rejection(b).message, /runs\[1\]\.localModels/);
  const c = base();
  c.runs[0].perSite.nowhere = c.runs[0].perSite.cleveland;
  assert.match(rejection(c).message, /runs\[0\]\.perSite\.nowhere: unknown site/);
  const d = base();
  d.runs[2].history[3].round = 2;
  assert.match(rejection(d).message, /runs\[2\]\.history\[3\]\.round: rounds must increase/);
  const e = base();
  e.comparison[0].run = 'ghost/mlp';
  assert.match(rejection(e).message, /comparison\[0\]\.run: unknown run/);
  const f = base();
  f.createdAt = '1 March 2025';
  assert.match(rejection(f).message, /createdAt/);
  const g = base();
  g.runs[3].name = g.runs[2].name;
  assert.match(rejection(g).message, /runs\[3\]\.name: duplicate run name/);
});

test('metrics may be null (undefined) but not NaN; primaryMetric defaults to auroc', () => {
  const results = JSON.parse(JSON.stringify(fixtureResults()));
  results.runs[0].metrics.auroc = null;
  delete results.study.primaryMetric;
  const parsed = resultsSchema.parse(results);
  assert.equal(parsed.runs[0].metrics.auroc, null);
  assert.equal(parsed.study.primaryMetric, 'auroc');
  const nan = fixtureResults();
  (nan.runs[0].metrics as Record<string, unknown>).auroc = Number.NaN;
  assert.match(rejection(nan).message, /runs\[0\]\.metrics\.auroc/);
});
