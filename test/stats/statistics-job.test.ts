import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCsvFile, readHeartDataset, readTabularSchemaFile } from '../../src/connectors/csv/read-file.js';
import { levelsOf } from '../../src/connectors/csv/schema.js';
import { runFederatedStatistics, type FederatedStatisticsResult } from '../../src/coordinator/federated-statistics.js';
import { partitionDirichletLabel } from '../../src/data/partition.js';
import { selectRows, type Table } from '../../src/data/table.js';
import { connections } from './job-helpers.js';

/** Pooled reference over every value of a column (NaN missing). */
function pooled(values: ArrayLike<number>) {
  const v = Array.from(values).filter((x) => !Number.isNaN(x));
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const ss = v.reduce((a, x) => a + (x - mean) ** 2, 0);
  const sorted = [...v].sort((a, b) => a - b);
  // Inverse of the empirical CDF (Hyndman-Fan type 1): x_(ceil(p n)), p = 0 the minimum.
  const quantile = (p: number) => sorted[Math.max(0, Math.ceil(p * v.length) - 1)];
  return { count: v.length, missing: values.length - v.length, mean, std: Math.sqrt(ss / v.length), sampleStd: Math.sqrt(ss / (v.length - 1)), quantile, min: sorted[0], max: sorted[v.length - 1] };
}

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

function checkAgainstPooled(r: FederatedStatisticsResult, all: Table, opts: { exactHistograms: boolean }) {
  let checkedQuantiles = 0;
  for (const f of all.features) {
    const name = f.spec.name;
    const g = r.global[name];
    assert.ok(g, `global statistics for ${name}`);
    const ref = pooled(f.values);
    assert.equal(g.count, ref.count, `${name} count`);
    assert.equal(g.missing, ref.missing, `${name} missing`);
    if (f.spec.type === 'categorical') {
      const counts = levelsOf(f.spec).map((_, i) => Array.from(f.values).filter((v) => v === i).length);
      g.levels!.forEach((l, i) => l.complete && assert.equal(l.count, counts[i], `${name} level ${l.level}`));
      continue;
    }
    assert.ok(close(g.mean!, ref.mean, 1e-12), `${name} mean ${g.mean} vs ${ref.mean}`);
    assert.ok(close(g.std!, ref.std, 1e-10), `${name} std ${g.std} vs ${ref.std}`);
    assert.ok(close(g.sampleStd!, ref.sampleStd, 1e-10), `${name} sample std`);
    const grid = r.grid[name];
    if (!grid) continue;
    const width = grid.edges[1] - grid.edges[0];
    assert.equal(g.histogram!.exact, opts.exactHistograms, `${name} histogram exactness`);
    for (const q of g.quantiles!) {
      const truth = ref.quantile(q.p);
      // The released bracket always holds the pooled quantile.
      assert.ok(q.lower === null || q.lower <= truth + 1e-9, `${name} q${q.p}: lower ${q.lower} > pooled ${truth}`);
      assert.ok(q.upper === null || q.upper >= truth - 1e-9, `${name} q${q.p}: upper ${q.upper} < pooled ${truth}`);
      if (opts.exactHistograms) {
        assert.ok(q.value !== null && Math.abs(q.value - truth) <= width * (1 + 1e-9), `${name} q${q.p}: ${q.value} vs pooled ${truth}, bin ${width}`);
        assert.ok(q.upper! - q.lower! <= width * (1 + 1e-9), `${name} q${q.p} bracket is one bin`);
      }
      checkedQuantiles++;
    }
  }
  return checkedQuantiles;
}

test('heart, 4 Dirichlet sites, k = 1: count/missing/mean/std equal pooled; every quantile within one bin of pooled', async () => {
  const heart = await readHeartDataset();
  const parts = partitionDirichletLabel(heart.label, { sites: 4, alpha: 0.5, seed: 42 });
  const r = await runFederatedStatistics(connections(parts.map((p) => selectRows(heart, p.indices))), { jobId: 'j', k: 1, schema: heart.schema, bins: 20 });
  assert.equal(r.records, 270);
  assert.equal(r.grid.age.source, 'declared');
  assert.deepEqual(r.grid.age.edges.slice(0, 3), [0, 6, 12]);
  assert.ok(checkAgainstPooled(r, heart, { exactHistograms: true }) >= 30);
  // Histograms add up exactly; level counts of the label and of binary features too.
  const age = r.global.age.histogram!;
  assert.equal(age.counts.reduce((a, b) => a + b, 0), 270);
  assert.equal(age.below + age.above, 0);
  assert.deepEqual(r.global.heart_disease.levels!.map((l) => l.count), [150, 120]);
  assert.equal(r.global.heart_disease.type, 'label');
  assert.equal(r.global.sex.levels!.reduce((a, l) => a + l.count!, 0), 270);
  // Without the site's permission no extremes are released.
  assert.equal(r.global.age.min, undefined);
  assert.equal(r.sites.length, 4);
  assert.equal(r.sites.reduce((a, s) => a + s.features.age.count!, 0), 270);
});

test('heart, k = 5: small bins merged at the sites; moments still exact, the pooled quantile inside the released bracket', async () => {
  const heart = await readHeartDataset();
  const parts = partitionDirichletLabel(heart.label, { sites: 4, alpha: 0.5, seed: 42 });
  const tables = parts.map((p) => selectRows(heart, p.indices));
  const r = await runFederatedStatistics(connections(tables), { jobId: 'j', k: 5, schema: heart.schema, bins: 20 });
  checkAgainstPooled(r, heart, { exactHistograms: false });
  // The median is still close: within two bins of the pooled one on this data.
  const chol = r.global.serum_cholesterol;
  const med = chol.quantiles!.find((q) => q.p === 0.5)!;
  const truth = pooled(heart.features.find((f) => f.spec.name === 'serum_cholesterol')!.values).quantile(0.5);
  assert.ok(Math.abs(med.value! - truth) <= 2 * 32.5, `median ${med.value} vs ${truth}`);
});

test('arrhythmia subset with missing values, 5 sites: missingness, moments exact; extremes only where every site allows them', async () => {
  const schema = await readTabularSchemaFile('test/fixtures/stats/arrhythmia_subset.schema.yaml');
  const table = await readCsvFile('test/fixtures/stats/arrhythmia_subset.csv', schema);
  assert.equal(table.n, 452);
  const parts = partitionDirichletLabel(table.label, { sites: 5, alpha: 1, seed: 3 });
  const tables = parts.map((p) => selectRows(table, p.indices));
  const withExtremes = await runFederatedStatistics(connections(tables, true), { jobId: 'a', k: 1, schema, bins: 25 });
  checkAgainstPooled(withExtremes, table, { exactHistograms: true });
  assert.equal(withExtremes.global.j_angle.missing, 376);
  assert.ok(Math.abs(withExtremes.global.j_angle.missingFraction! - 376 / 452) < 1e-12);
  assert.equal(withExtremes.global.p_angle.missing, 22);
  assert.equal(withExtremes.grid.height.source, 'federated-extremes');
  assert.equal(withExtremes.global.height.min, 105);
  assert.equal(withExtremes.global.height.max, 780);
  assert.equal(withExtremes.grid.qrs_angle.source, 'declared');
  // Sites that keep their extremes: the grid falls back to mean +- 4 std; values beyond it are counted apart.
  const without = await runFederatedStatistics(connections(tables), { jobId: 'b', k: 1, schema, bins: 25 });
  assert.equal(without.grid.height.source, 'mean-4sd');
  assert.equal(without.global.height.min, undefined);
  const h = without.global.height.histogram!;
  assert.ok(h.above >= 1, 'the 780 cm outlier lies above mean + 4 std');
  assert.equal(h.below + h.above + h.counts.reduce((a, b) => a + b, 0), without.global.height.count);
  checkAgainstPooled(without, table, { exactHistograms: true });
});
