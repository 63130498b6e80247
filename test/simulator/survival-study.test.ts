import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';
import { concatDatasets } from '../../src/core/dataset.js';
import { combineKaplanMeier, kaplanMeier, siteRiskSetCounts } from '../../src/eval/kaplan-meier.js';

const root = resolve(import.meta.dirname, '../../..');
const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

test('PBC3 on its 6 real hospitals: federated Cox C-index within 0.02 of pooled training and above local-only', async () => {
  const { spec, baseDir } = loadStudySpec(resolve(root, 'examples/survival/pbc3.yaml'));
  const study = await runStudy({ ...spec, strategies: spec.strategies.filter((s) => s.name === 'fedavg') }, baseDir, silent);
  assert.equal(study.data.task, 'survival');
  assert.equal(study.data.sites.length, 6);
  const c = (kind: string) => study.runs.find((r) => r.kind === kind)!.metrics.cIndex as number;
  const [pooled, local, fed] = [c('pooled'), c('local-only'), c('federated')];
  assert.ok(pooled > 0.75, `pooled C-index ${pooled}`);
  assert.ok(Math.abs(fed - pooled) <= 0.02, `federated ${fed} vs pooled ${pooled}`);
  assert.ok(fed > local, `federated ${fed} vs mean local-only ${local}`);
  // every site reports its own C-index of the final federated model
  const perSite = study.runs.find((r) => r.kind === 'federated')!.perSite;
  assert.equal(Object.keys(perSite).length, 6);
  // Kaplan-Meier from the released sites' counts only equals the pooled estimate of their rows on the grid
  // (at k = 5 the two hospitals with fewer than 5 events withhold theirs, and are listed with the reason).
  const km = study.survivalCurves!;
  const sets = await study.data.materializeAll();
  const released = km.combined.sites;
  assert.ok(released.length >= 4, `released ${released.join(', ')}`);
  const rows = released.flatMap((id) => [sets.siteTrains!.get(id)!, sets.siteTests.get(id)!]);
  // the same estimate computed on the pooled rows of those sites (counts on the same grid, no k)
  const pooledKm = combineKaplanMeier([{ siteId: 'pooled', counts: siteRiskSetCounts(concatDatasets(rows).y, km.grid, 1) }]).curve;
  assert.deepEqual(km.combined.times, pooledKm.times);
  km.combined.survival.forEach((v, j) => assert.ok(Math.abs(v - pooledKm.survival[j]) < 1e-12, `S(${km.combined.times[j]}) ${v} vs pooled ${pooledKm.survival[j]}`));
  // and it agrees with the exact Kaplan-Meier estimate of those rows to within the grid's resolution
  const exact = kaplanMeier(concatDatasets(rows).y);
  const last = exact.survival[exact.survival.length - 1];
  assert.ok(Math.abs(km.combined.survival[km.combined.survival.length - 1] - last) < 0.05);
  assert.ok(released.length + Object.keys(km.withheld).length === 6);
});
