import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport } from '../../src/report/html.js';
import { parseResults, type Results } from '../../src/report/results-schema.js';
import { renderHeatmap, viridisAt } from '../../src/report/svg/heatmap.js';
import { renderReliabilityDiagram } from '../../src/report/svg/reliability.js';
import { fixtureResults } from './fixture-results.js';

function withCrossSite(): Results {
  const r = fixtureResults();
  const sites = r.study.sites.map((s) => s.id);
  const rows = [
    ...sites.map((id, i) => ({ label: `local model of ${id}`, run: 'local-only/mlp', kind: 'local-only' as const, siteId: id, values: sites.map((_, j) => (j === 2 && i === 0 ? null : 0.6 + 0.05 * i + 0.01 * j)) })),
    { label: 'global (fedavg/mlp)', run: 'fedavg/mlp', kind: 'federated' as const, values: sites.map((_, j) => 0.85 + 0.01 * j) },
    { label: 'pooled', run: 'pooled/mlp', kind: 'pooled' as const, values: sites.map((_, j) => 0.86 + 0.01 * j) },
  ];
  const fedavg = r.runs.find((x) => x.name === 'fedavg/mlp')!;
  for (const id of sites) {
    const a = fedavg.perSite[id].auroc as number;
    fedavg.perSite[id] = { ...fedavg.perSite[id], intervals: { auroc: { lower: a - 0.07, upper: Math.min(1, a + 0.05), level: 0.95 } } };
  }
  return { ...r, crossSite: [{ model: 'mlp', metric: 'auroc', higherIsBetter: true, sites, rows }] };
}

test('heatmap: one cell per matrix entry with its value, n/a for null, outlined highlights, colour scale and axis titles', () => {
  const values = [
    [0.912, 0.7, null],
    [0.65, 0.888, 0.801],
  ];
  const svg = renderHeatmap({
    title: 'Cross-site AUROC',
    rowTitle: 'Evaluated model',
    columnTitle: 'Test split of site',
    rowLabels: ['local model of a', 'global <fedavg>'],
    columnLabels: ['a', 'b', 'c'],
    values,
    valueLabel: 'AUROC',
    highlight: (r, c) => r === c,
  });
  assert.equal((svg.match(/<g class="cell">/g) ?? []).length, 6);
  for (const v of [0.912, 0.7, 0.65, 0.888, 0.801]) assert.ok(svg.includes(`>${v.toFixed(3)}</text>`), String(v));
  assert.ok(svg.includes('>n/a</text>'));
  assert.equal((svg.match(/stroke="#1b1f24" stroke-width="2.5"/g) ?? []).length, 2);
  assert.ok(svg.includes('Evaluated model') && svg.includes('Test split of site'));
  assert.ok(svg.includes('global &lt;fedavg&gt;'), 'labels are escaped');
  assert.ok(svg.includes('<g class="colour-scale">'));
  // The best value gets the bright end of the scale, the worst the dark end.
  assert.ok(svg.includes(`fill="${viridisAt(1)}"`) && svg.includes(`fill="${viridisAt(0)}"`));
  // Lower is better: reversed, so the smallest value is bright.
  const rev = renderHeatmap({ title: 't', rowTitle: 'r', columnTitle: 'c', rowLabels: ['x'], columnLabels: ['a', 'b'], values: [[1, 2]], valueLabel: 'RMSE', lowerIsBetter: true });
  const fills = [...rev.matchAll(/<g class="cell"><rect [^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
  assert.deepEqual(fills, [viridisAt(1), viridisAt(0)]);
});

test('reliability diagram: one circle per bin, labelled with its count, and the diagonal', () => {
  const points = [
    { lower: 0, upper: 0.1, meanPredicted: 0.05, observed: 0.04, count: 40 },
    { lower: 0.5, upper: 0.6, meanPredicted: 0.55, observed: 0.7, count: 7 },
  ];
  const svg = renderReliabilityDiagram({ title: 'fedavg/mlp', points, subtitle: 'ECE 0.05 · n 47' });
  assert.equal((svg.match(/<g class="bin">/g) ?? []).length, 2);
  assert.ok(svg.includes('>40</text>') && svg.includes('>7</text>'));
  assert.ok(svg.includes('class="diagonal"'));
  const radii = [...svg.matchAll(/<circle [^>]*r="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(radii[0] > radii[1], 'the bin with more examples is larger');
});

test('report: cross-site heatmap, per-site intervals table and reliability diagrams; still self-contained', () => {
  const results = withCrossSite();
  const html = renderReport(results);
  assert.ok(html.includes('<section id="cross-site">') && html.includes('href="#cross-site"'));
  const section = html.slice(html.indexOf('<section id="cross-site">'), html.indexOf('</section>', html.indexOf('<section id="cross-site">')));
  const m = results.crossSite![0];
  assert.equal((section.match(/<g class="cell">/g) ?? []).length, m.rows.length * m.sites.length);
  assert.ok(section.includes('>0.860</text>') && section.includes('>n/a</text>'));
  // Per-site table shows the interval of fedavg/mlp on the first site.
  const first = results.study.sites[0].id;
  const ci = results.runs.find((x) => x.name === 'fedavg/mlp')!.perSite[first].intervals!.auroc;
  assert.ok(html.includes(`${ci.lower!.toFixed(3)}–${ci.upper!.toFixed(3)}`));
  assert.ok(html.includes('class="whisker"'));
  // One reliability diagram per run with calibration points.
  const withCal = results.runs.filter((r) => (r.metrics.calibration?.length ?? 0) > 0).length;
  assert.ok(withCal > 0);
  assert.equal((html.match(/<div class="small-multiples">/g) ?? []).length, 2);
  // Self-contained: no URL, no external resource.
  assert.doesNotMatch(html, /https?:|\/\/[a-z]|<script|<link|<img|src=/i);
});

test('results schema: a cross-site row must have one value per site', () => {
  const results = withCrossSite();
  assert.doesNotThrow(() => parseResults(results));
  const bad = structuredClone(results);
  bad.crossSite![0].rows[1].values.pop();
  assert.throws(() => parseResults(bad), /crossSite\[0\]\.rows\[1\]\.values: expected 4 values \(one per site\)/);
});
