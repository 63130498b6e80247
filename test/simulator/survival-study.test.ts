import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';

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
});
