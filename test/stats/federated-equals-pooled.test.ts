import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readHeartDataset } from '../../src/connectors/csv/read-file.js';
import { parseCsv } from '../../src/connectors/csv/parse.js';
import { parseTabularSchema } from '../../src/connectors/csv/schema.js';
import { partitionDirichletLabel } from '../../src/data/partition.js';
import { selectRows, type Table } from '../../src/data/table.js';
import { binEdgesFromGlobal, combineSiteStatistics } from '../../src/stats/combine.js';
import { computeSiteStatistics } from '../../src/stats/site-summary.js';

/** Pooled reference: two-pass mean and population/sample std over the non-missing values. */
function pooled(values: number[]) {
  const v = values.filter((x) => !Number.isNaN(x));
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const ss = v.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { count: v.length, mean, std: Math.sqrt(ss / v.length), sampleStd: Math.sqrt(ss / (v.length - 1)), min: Math.min(...v), max: Math.max(...v) };
}

/** Pooled reference histogram by scanning each bin. */
function pooledHistogram(values: number[], edges: number[]): number[] {
  return edges.slice(1).map((hi, b) => values.filter((x) => x >= edges[b] && (b === edges.length - 2 ? x <= hi : x < hi)).length);
}

function federate(sites: Table[], k: number, bins: number) {
  const first = combineSiteStatistics(sites.map((t, i) => ({ siteId: `site-${i + 1}`, ...computeSiteStatistics(t, { k }) })));
  const binEdges = binEdgesFromGlobal(first, bins);
  const second = combineSiteStatistics(sites.map((t, i) => ({ siteId: `site-${i + 1}`, ...computeSiteStatistics(t, { k, binEdges }) })));
  return { first, second, binEdges };
}

test('heart, 4 Dirichlet sites: federated count/mean/std/min/max equal pooled, histograms exactly', async () => {
  const heart = await readHeartDataset();
  const parts = partitionDirichletLabel(heart.label, { sites: 4, alpha: 0.5, seed: 42 });
  const sites = parts.map((p) => selectRows(heart, p.indices));
  const { second, binEdges } = federate(sites, 5, 10);
  assert.equal(second.records, 270);
  assert.deepEqual(Object.keys(second.features), [
    'age', 'sex', 'resting_bp', 'serum_cholesterol', 'fasting_blood_sugar_gt120', 'max_heart_rate',
    'exercise_angina', 'st_depression', 'major_vessels',
  ]);
  for (const [name, g] of Object.entries(second.features)) {
    const values = Array.from(heart.features.find((f) => f.spec.name === name)!.values);
    const ref = pooled(values);
    assert.equal(g.count, ref.count);
    assert.ok(Math.abs(g.mean - ref.mean) <= 1e-12 * Math.abs(ref.mean) + 1e-12, `${name} mean ${g.mean} vs ${ref.mean}`);
    assert.ok(Math.abs(g.std - ref.std) <= 1e-10 * ref.std, `${name} std ${g.std} vs ${ref.std}`);
    assert.ok(Math.abs(g.sampleStd - ref.sampleStd) <= 1e-10 * ref.sampleStd);
    assert.equal(g.min, ref.min);
    assert.equal(g.max, ref.max);
    assert.deepEqual(g.histogram, pooledHistogram(values, binEdges[name]));
    assert.equal(g.histogram!.reduce((a, b) => a + b, 0), 270);
    assert.deepEqual(g.sites, ['site-1', 'site-2', 'site-3', 'site-4']);
  }
});

test('stable combination: values near 1e9 keep their variance (sums of squares alone would not)', () => {
  const schema = parseTabularSchema({
    label: 'y',
    columns: [
      { name: 'x', type: 'numeric', missing: 'impute-mean' },
      { name: 'y', type: 'binary' },
    ],
  });
  const xs = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? NaN : 1e9 + ((i * 37) % 11) * 0.001));
  const text = 'x,y\n' + xs.map((x, i) => `${Number.isNaN(x) ? 'NA' : x},${i % 2}`).join('\n');
  const table = parseCsv(text, 'big.csv', schema);
  const sites = [[0, 20], [20, 45], [45, 60]].map(([a, b]) => selectRows(table, Array.from({ length: b - a }, (_, k) => a + k)));
  const g = federate(sites, 3, 4).second.features.x;
  const ref = pooled(xs);
  assert.equal(g.count, ref.count);
  assert.equal(g.missing, 9);
  // Site means of values near 1e9 are only exact to about 1e-7 (float64 spacing), so compare at 1e-4.
  assert.ok(Math.abs(g.std - ref.std) <= 1e-4 * ref.std, `std ${g.std} vs ${ref.std}`);
  // The same reply without mean/m2 (a FeatureSummaryWire-only site) loses this precision.
  const naive = combineSiteStatistics(
    sites.map((t, i) => {
      const s = computeSiteStatistics(t, { k: 3 });
      const { mean: _m, m2: _m2, ...wire } = s.features.x;
      return { siteId: `s${i}`, records: s.records, features: { x: wire }, withheld: {} };
    }),
  ).features.x;
  assert.ok(!(Math.abs(naive.std - ref.std) <= 0.1 * ref.std), `naive std ${naive.std} unexpectedly precise`);
});
