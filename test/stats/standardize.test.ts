import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readHeartDataset } from '../../src/connectors/csv/read-file.js';
import { parseCsv } from '../../src/connectors/csv/parse.js';
import { parseTabularSchema } from '../../src/connectors/csv/schema.js';
import { deriveSeed } from '../../src/core/random.js';
import { toDataset } from '../../src/data/encode.js';
import { partitionDirichletLabel } from '../../src/data/partition.js';
import { stratifiedSplit } from '../../src/data/split.js';
import { selectRows } from '../../src/data/table.js';
import { tableSiteData } from '../../src/data/table-site-data.js';
import { binEdgesFromGlobal, combineSiteStatistics } from '../../src/stats/combine.js';
import { computeSiteStatistics } from '../../src/stats/site-summary.js';
import { fillValuesFromGlobal, normalizationFromGlobal, standardizeTable } from '../../src/stats/standardize.js';

test('demo pipeline: 4 Dirichlet sites, split, federated stats, z-scored Datasets whose pooled train columns have mean 0, std 1', async () => {
  const heart = await readHeartDataset();
  const parts = partitionDirichletLabel(heart.label, { sites: 4, alpha: 0.5, seed: 5 });
  const sites = parts.map((p) => {
    const t = selectRows(heart, p.indices);
    const s = stratifiedSplit(t.label, { testFraction: 0.25, seed: deriveSeed(5, p.siteId) });
    return { id: p.siteId, data: tableSiteData(selectRows(t, s.train), selectRows(t, s.test), { siteId: p.siteId }) };
  });
  const ask = (binEdges?: Record<string, number[]>) =>
    combineSiteStatistics(sites.map((s) => ({ siteId: s.id, ...s.data.statistics({ kind: 'stats', jobId: 'j', k: 5, binEdges }) })));
  const global = ask(binEdgesFromGlobal(ask(), 8));
  const norm = normalizationFromGlobal(global, heart.schema);
  assert.deepEqual(Object.keys(norm.mean), ['age', 'resting_bp', 'serum_cholesterol', 'max_heart_rate', 'st_depression', 'major_vessels']);
  const materialised = sites.map((s) => s.data.materialize(norm));
  assert.equal(materialised.reduce((a, m) => a + m.train.n + m.test.n, 0), 270);
  const trainRows = materialised.reduce((a, m) => a + m.train.n, 0);
  assert.equal(global.records, trainRows);
  const names = materialised[0].train.featureNames!;
  for (const feature of Object.keys(norm.mean)) {
    const j = names.indexOf(feature);
    const z = materialised.flatMap((m) => Array.from({ length: m.train.n }, (_, i) => m.train.x[i * names.length + j]));
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
    assert.ok(Math.abs(mean) < 1e-5, `${feature} mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 1e-5, `${feature} std ${std}`);
  }
  // Binary and one-hot columns are not scaled.
  const sex = names.indexOf('sex');
  assert.ok(materialised.every((m) => Array.from({ length: m.train.n }, (_, i) => m.train.x[i * names.length + sex]).every((v) => v === 0 || v === 1)));
});

test('z-score by hand; missing values filled with the global mean become 0; constant columns keep std 1', () => {
  const schema = parseTabularSchema({
    label: 'y',
    columns: [
      { name: 'x', type: 'numeric', missing: 'indicator' },
      { name: 'c', type: 'integer' },
      { name: 'y', type: 'binary' },
    ],
  });
  const t = parseCsv('x,c,y\n1,4,0\n3,4,1\nNA,4,0\n5,4,1\n', 't.csv', schema);
  const global = combineSiteStatistics([{ siteId: 'a', ...computeSiteStatistics(t, { k: 1 }) }]);
  const norm = normalizationFromGlobal(global, schema);
  // x present: 1, 3, 5 → mean 3, population std sqrt(8/3); c constant → std replaced by 1.
  assert.equal(norm.mean.x, 3);
  assert.equal(norm.std.x, Math.sqrt(8 / 3));
  assert.equal(norm.std.c, 1);
  const fill = fillValuesFromGlobal(global, schema);
  assert.deepEqual(fill, { x: 3 });
  const d = toDataset(standardizeTable(t, norm), { fill });
  const s = Math.sqrt(8 / 3);
  assert.deepEqual(Array.from(d.x), Array.from(Float32Array.from([-2 / s, 0, 0, 0, 0, 0, 0, 1, 0, 2 / s, 0, 0])));
  assert.throws(() => standardizeTable(standardizeTable(t, norm), norm), /already standardised/);
});

test('impute-median from the global histogram: interpolated inside the median bin', () => {
  const schema = parseTabularSchema({
    label: 'y',
    columns: [
      { name: 'x', type: 'numeric', missing: 'impute-median' },
      { name: 'y', type: 'binary' },
    ],
  });
  const t = parseCsv('x,y\n0,0\n1,1\n2,0\n3,1\nNA,0\n10,1\n', 't.csv', schema);
  const site = (rows: number[], id: string) => ({ siteId: id, ...computeSiteStatistics(selectRows(t, rows), { k: 1, binEdges: { x: [0, 5, 10] } }) });
  const global = combineSiteStatistics([site([0, 1, 2], 'a'), site([3, 4, 5], 'b')]);
  assert.deepEqual(global.features.x.histogram, [4, 1]);
  // 5 values, half = 2.5 of the 4 in [0, 5): 0 + 2.5 / 4 * 5 = 3.125.
  assert.deepEqual(fillValuesFromGlobal(global, schema, { x: [0, 5, 10] }), { x: 3.125 });
  assert.throws(() => fillValuesFromGlobal(global, schema), /needs the global histogram/);
});
