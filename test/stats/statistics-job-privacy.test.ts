import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCsvFile, readHeartDataset, readTabularSchemaFile } from '../../src/connectors/csv/read-file.js';
import { runFederatedStatistics, siteEpsilon } from '../../src/coordinator/federated-statistics.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { partitionDirichletLabel } from '../../src/data/partition.js';
import { selectRows } from '../../src/data/table.js';
import { computeJobSiteStatistics, mergeSmallBins, noiseScale, suppressSmallCells } from '../../src/stats/job-site.js';
import { connections } from './job-helpers.js';

test('small cells: level counts of 1..k-1 suppressed with their complement; bins of 1..k-1 merged into groups of k or more', () => {
  assert.deepEqual(suppressSmallCells([0, 3, 10, 12], 5), [0, null, null, 12]);
  assert.deepEqual(suppressSmallCells([7, 8, 9], 5), [7, 8, 9]);
  assert.deepEqual(suppressSmallCells([2, 2, 1], 5), [null, null, null]);
  assert.deepEqual(mergeSmallBins([0, 0, 2, 3, 0, 9, 1, 0, 1], 0, 8, 5), [
    [0, 0, 0],
    [1, 1, 0],
    [2, 3, 5],
    [4, 4, 0],
    [5, 8, 11],
  ]);
  // Bins from..to only; a tail below k joins the last non-empty group across empty ones.
  assert.deepEqual(mergeSmallBins([9, 6, 0, 0, 2, 9], 1, 4, 5), [[1, 4, 8]]);
});

test('heart sites at k = 5: every released histogram group and level count is 0 or at least 5', async () => {
  const heart = await readHeartDataset();
  const parts = partitionDirichletLabel(heart.label, { sites: 4, alpha: 0.5, seed: 42 });
  const r = await runFederatedStatistics(connections(parts.map((p) => selectRows(heart, p.indices))), { jobId: 'j', k: 5, schema: heart.schema, bins: 20 });
  let groups = 0;
  let suppressed = 0;
  for (const s of r.sites) {
    for (const [name, f] of Object.entries(s.features)) {
      for (const l of f.levels ?? []) {
        if (l.count === null) suppressed++;
        else assert.ok(l.count === 0 || l.count >= 5, `${s.id}.${name} level ${l.level} = ${l.count}`);
      }
      if (!f.histogram) continue;
      // A site's own histogram, rebuilt from its groups: merged groups hold >= 5, single bins are 0 or >= 5.
      const h = f.histogram;
      assert.ok(!h.exact || h.counts.every((c) => c === 0 || c >= 5), `${s.id}.${name}`);
      groups++;
    }
  }
  assert.ok(groups > 0);
  assert.ok(suppressed > 0, 'some small level counts were suppressed at the sites');
});

test('a site with fewer than k non-missing values for a feature releases nothing about it; the others still combine', async () => {
  const schema = await readTabularSchemaFile('test/fixtures/stats/arrhythmia_subset.schema.yaml');
  const table = await readCsvFile('test/fixtures/stats/arrhythmia_subset.csv', schema);
  const parts = partitionDirichletLabel(table.label, { sites: 5, alpha: 1, seed: 3 });
  const tables = parts.map((p) => selectRows(table, p.indices));
  const present = tables.map((t) => Array.from(t.features.find((f) => f.spec.name === 'j_angle')!.values).filter((v) => !Number.isNaN(v)).length);
  const k = 16;
  const releasing = present.map((n, i) => (n >= k ? `site-${i + 1}` : null)).filter((s): s is string => s !== null);
  assert.ok(releasing.length >= 1 && releasing.length < 5, `j_angle per site: ${present.join(', ')}`);
  const r = await runFederatedStatistics(connections(tables), { jobId: 'k', k, schema, bins: 10 });
  assert.deepEqual(r.global.j_angle.sites, releasing);
  assert.equal(r.global.j_angle.count, present.filter((n) => n >= k).reduce((a, b) => a + b, 0));
  for (const s of r.sites) {
    if (releasing.includes(s.id)) continue;
    assert.equal(s.features.j_angle, undefined, `${s.id} released j_angle`);
    assert.match(s.withheld.j_angle, new RegExp(`^${ErrorCodes.PRIVACY_THRESHOLD} at ${s.id}\\.j_angle: "j_angle" has \\d+ non-missing values, fewer than k = ${k}`));
  }
});

test('DP noise has the stated scale: Laplace b = sensitivity / epsilon, Gaussian sigma = sensitivity sqrt(2 ln(1.25/delta)) / epsilon', async () => {
  const heart = await readHeartDataset();
  const site = selectRows(heart, Array.from({ length: 80 }, (_, i) => i));
  const trueAge = Array.from(site.features[0].values).reduce((a, b) => a + b, 0);
  for (const dp of [
    { mechanism: 'laplace' as const, epsilonPerQuery: 0.5 },
    { mechanism: 'gaussian' as const, epsilonPerQuery: 0.5, delta: 1e-5 },
  ]) {
    const rng = new Rng(2024);
    const countErr: number[] = [];
    const sumErr: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = computeJobSiteStatistics([site], { rows: 'all', parts: ['moments'], dp }, undefined, { k: 5, uniform: () => rng.uniform() });
      countErr.push(r.features.age.count! - 80);
      sumErr.push(r.features.age.sum! - trueAge);
    }
    const sd = (x: number[]) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
    // Laplace(b) has std b sqrt(2); the Gaussian's std is its sigma. Age's declared range is [0, 120]: sum sensitivity 120.
    const unit = dp.mechanism === 'laplace' ? noiseScale(dp, 1) * Math.SQRT2 : noiseScale(dp, 1);
    assert.ok(Math.abs(unit - (dp.mechanism === 'laplace' ? 2 * Math.SQRT2 : Math.sqrt(2 * Math.log(1.25e5)) / 0.5)) < 1e-12);
    assert.ok(Math.abs(sd(countErr) / unit - 1) < 0.08, `${dp.mechanism} count noise std ${sd(countErr)} vs ${unit}`);
    assert.ok(Math.abs(sd(sumErr) / (120 * unit) - 1) < 0.08, `${dp.mechanism} sum noise std ${sd(sumErr)} vs ${120 * unit}`);
    assert.ok(Math.abs(mean(countErr)) < 4 * (unit / Math.sqrt(2000)), `${dp.mechanism} noise is centred`);
    if (dp.mechanism === 'laplace') {
      // Laplace, not Gaussian: mean absolute deviation is b (a Gaussian's would be 0.80 std = 0.80 b sqrt 2 = 1.13 b).
      const mad = mean(countErr.map(Math.abs));
      assert.ok(Math.abs(mad / 2 - 1) < 0.06, `Laplace mean |noise| ${mad} vs b = 2`);
    }
  }
});

test('DP job: noisy moments near pooled, epsilon per site = its queries x epsilon per query (Laplace) and reported; no extremes', async () => {
  const heart = await readHeartDataset();
  const parts = partitionDirichletLabel(heart.label, { sites: 4, alpha: 0.5, seed: 42 });
  const tables = parts.map((p) => selectRows(heart, p.indices));
  const r = await runFederatedStatistics(connections(tables, true), { jobId: 'dp', k: 5, schema: heart.schema, bins: 10, dp: { mechanism: 'laplace', epsilonPerQuery: 1 } });
  // Round 1: records + 6 numeric/integer x 4 (count, missing, sum, sum of squares) + 3 binary x 5 (and levels)
  // + 4 categorical x 3 (count, missing, levels) + label 2; round 2: records + 6 histograms.
  for (const s of r.sites) {
    assert.equal(s.noise!.queries, 61);
    assert.equal(s.noise!.epsilon, 61);
    assert.equal(s.features.age.min, undefined, 'no extremes under DP');
  }
  assert.equal(r.privacy!.epsilon, 61);
  assert.ok(Math.abs(r.global.age.mean! - 54.43) < 3, `noisy mean age ${r.global.age.mean}`);
  // Gaussian: RDP composition is tighter than basic composition.
  const g = siteEpsilon({ mechanism: 'gaussian', epsilonPerQuery: 0.5, delta: 1e-6 }, [{ mechanism: 'gaussian', epsilonPerQuery: 0.5, delta: 1e-6, queries: 61 }]);
  assert.equal(g.epsilonBasic, 30.5);
  assert.ok(g.epsilon < g.epsilonBasic && g.epsilon > 0.5, `gaussian epsilon ${g.epsilon}`);
});

test('bad DP settings are CONFIG_INVALID naming the field', () => {
  const t = { n: 0 } as never;
  const bad = (dp: object, field: string) =>
    assert.throws(
      () => computeJobSiteStatistics([t], { rows: 'all', parts: ['moments'], dp: dp as never }, undefined, { k: 1 }),
      (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && e.where === `stats.query.dp.${field}`,
    );
  bad({ mechanism: 'gaussian', epsilonPerQuery: 0.5 }, 'delta');
  bad({ mechanism: 'gaussian', epsilonPerQuery: 2, delta: 1e-5 }, 'epsilonPerQuery');
  bad({ mechanism: 'laplace', epsilonPerQuery: -1 }, 'epsilonPerQuery');
  bad({ mechanism: 'laplace', epsilonPerQuery: 1, delta: 1e-5 }, 'delta');
});
