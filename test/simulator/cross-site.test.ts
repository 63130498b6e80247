import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';
import { siteModelWeights } from '../../src/simulator/cross-site.js';

const root = resolve(import.meta.dirname, '../../..');
const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

test('cross-site validation on the heart study: matrix shape, diagonal = local-only per-site, per-site AUROC intervals', async () => {
  const { spec, baseDir } = loadStudySpec(resolve(root, 'examples/heart/study.yaml'));
  const small = {
    ...spec,
    federation: { ...spec.federation, rounds: 4 },
    models: spec.models.filter((m) => m.name === 'logreg'),
    strategies: spec.strategies.filter((s) => s.name === 'fedavg' || s.name === 'fedprox'),
    baselines: ['pooled' as const, 'local-only' as const],
  };
  const study = await runStudy(small, baseDir, silent);
  assert.equal(study.crossSite?.length, 1);
  const m = study.crossSite![0];
  const sites = study.data.siteSummaries.map((s) => s.id);
  assert.equal(m.model, 'logreg');
  assert.equal(m.metric, 'auroc');
  assert.deepEqual(m.sites, sites);
  // Rows: one local model per site, then the best federated global model, then pooled.
  assert.equal(m.rows.length, sites.length + 2);
  assert.deepEqual(m.rows.slice(0, sites.length).map((r) => r.siteId), sites);
  const fed = study.runs.filter((r) => r.kind === 'federated');
  const best = fed.reduce((a, b) => ((b.metrics.auroc ?? -1) > (a.metrics.auroc ?? -1) ? b : a));
  assert.equal(m.rows[sites.length].run, best.name);
  assert.equal(m.rows[sites.length + 1].kind, 'pooled');
  for (const r of m.rows) {
    assert.equal(r.values.length, sites.length);
    for (const v of r.values) assert.ok(v === null || (v >= 0 && v <= 1), `${r.label}: ${v}`);
  }
  // Diagonal of the local models = each site's own model on its own split as the site reported it.
  const local = study.runs.find((r) => r.kind === 'local-only')!;
  sites.forEach((id, i) => {
    const own = local.perSite[id].auroc;
    assert.equal(typeof own, 'number', id);
    assert.ok(Math.abs((m.rows[i].values[i] as number) - (own as number)) < 1e-6, `${id}: ${m.rows[i].values[i]} vs ${own}`);
    assert.ok(siteModelWeights(local, id), id);
  });
  // Local models differ: the rows are not all the same model.
  assert.notDeepEqual(m.rows[0].values, m.rows[1].values);
  // The global and pooled rows on a site equal those runs' per-site values.
  sites.forEach((id, i) => {
    assert.ok(Math.abs((m.rows[sites.length + 1].values[i] as number) - (study.runs.find((r) => r.kind === 'pooled')!.perSite[id].auroc as number)) < 1e-6);
    assert.ok(Math.abs((m.rows[sites.length].values[i] as number) - (best.perSite[id].auroc as number)) < 1e-6);
  });
  // Every run's per-site AUROC carries a 95% bootstrap interval that contains the point estimate.
  for (const run of study.runs) {
    for (const id of sites) {
      const s = run.perSite[id];
      const ci = s.intervals?.auroc;
      assert.ok(ci, `${run.name} ${id}`);
      assert.equal(ci.level, 0.95);
      if (typeof s.auroc === 'number') {
        assert.ok(ci.lower !== null && ci.upper !== null);
        assert.ok(ci.lower <= s.auroc + 1e-12 && s.auroc <= ci.upper + 1e-12, `${run.name} ${id}: ${s.auroc} in [${ci.lower}, ${ci.upper}]`);
      } else {
        assert.equal(ci.lower, null);
        assert.ok(s.undefinedReasons?.auroc);
      }
    }
  }
  // Seeded: a second run gives the same matrix and intervals.
  const again = await runStudy(small, baseDir, silent);
  assert.deepEqual(again.crossSite, study.crossSite);
  assert.deepEqual(again.runs.map((r) => r.perSite), study.runs.map((r) => r.perSite));
});
