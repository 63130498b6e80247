import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { renderReport } from '../../src/report/html.js';
import { escapeHtml } from '../../src/report/escape-html.js';
import { fixtureResults } from './fixture-results.js';

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

test('the report has every comparison row, one <svg> per chart, and the final-weights hashes', () => {
  const results = fixtureResults();
  const html = renderReport(results);
  assert.match(html, /^<!DOCTYPE html>/);
  for (const run of results.runs) {
    assert.ok(html.includes(`<th scope="row">${run.name}`), `row for ${run.name}`);
    assert.ok(html.includes(run.finalWeightsSha256), `hash of ${run.name}`);
    for (const m of run.localModels ?? []) assert.ok(html.includes(m.finalWeightsSha256));
  }
  // Charts: learning curves, per-site bars and calibration, one per model each (2 models), plus a
  // reliability diagram per run with calibration points.
  const reliability = results.runs.filter((r) => (r.metrics.calibration?.length ?? 0) > 0).length;
  assert.ok(reliability > 0);
  assert.equal(count(html, /<svg\b/g), 6 + reliability);
  assert.equal(count(html, /<\/svg>/g), 6 + reliability);
  assert.equal(count(html, /AUROC per round — model /g), 2 * 3); // aria-label, <title> and visible title
  // Pooled and local-only appear as reference lines in each learning-curve chart.
  assert.equal(count(html, />pooled \(centralised\)</g), 2);
  // Each site row of the sites table, with its label balance.
  assert.match(html, /<th scope="row">switzerland<\/th><td class="num">92<\/td><td class="num">31<\/td><td class="num">123<\/td><td class="num">115 \(93\.5%\)/);
});

test('the best federated run per model by AUROC is highlighted', () => {
  const results = fixtureResults();
  const html = renderReport(results);
  for (const model of ['mlp', 'logreg']) {
    const fed = results.runs.filter((r) => r.model === model && r.kind === 'federated');
    const best = fed.reduce((a, b) => ((b.metrics.auroc ?? -1) > (a.metrics.auroc ?? -1) ? b : a));
    assert.ok(html.includes(`<tr class="best kind-federated"><th scope="row">${best.name} <span class="badge">`), `best ${best.name}`);
  }
  assert.equal(count(html, /class="best /g), 2);
});

test('the page is self-contained: no script, no URL of any kind', () => {
  const html = renderReport(fixtureResults());
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /https?:\/\//i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /@import|url\(/i);
});

test('text from the results is escaped (a malicious site name stays text)', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const html = renderReport(fixtureResults({ siteName: evil }));
  assert.ok(!html.includes(evil));
  assert.doesNotMatch(html, /<img/i);
  assert.ok(html.includes(escapeHtml(evil)));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
});

test('undefined metrics render as a dash with the reason', () => {
  const results = fixtureResults();
  results.runs[0].metrics = { ...results.runs[0].metrics, auroc: null, undefinedReasons: { auroc: 'only class 1 present in the labels' } };
  const html = renderReport(results);
  assert.ok(html.includes('<td class="num na" title="only class 1 present in the labels">—</td>'));
});

test('an invalid results object is refused with DATA_INVALID', () => {
  const results = JSON.parse(JSON.stringify(fixtureResults()));
  delete results.runs[0].finalWeightsSha256;
  assert.throws(() => renderReport(results), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID);
});
