import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';
import { prepareStudyData } from '../../src/simulator/study-data.js';

const root = resolve(import.meta.dirname, '../../..');
const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };
const dir = resolve(root, 'examples/clinical');

test('every clinical study spec loads its data through its schema into sites', async () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.deepEqual(files.sort(), ['arrhythmia-binary.yaml', 'arrhythmia-multiclass.yaml', 'breast-cancer.yaml', 'pima.yaml']);
  for (const f of files) {
    const { spec, baseDir } = loadStudySpec(resolve(dir, f));
    const data = await prepareStudyData(spec, baseDir);
    assert.ok(data.sites.length >= 4, f);
    assert.equal(data.task, f === 'arrhythmia-multiclass.yaml' ? 'multiclass' : 'binary', f);
  }
});

test('Pima across 5 sites: FedAvg within 0.02 AUROC of pooled and above local-only', async () => {
  const { spec, baseDir } = loadStudySpec(resolve(dir, 'pima.yaml'));
  const study = await runStudy({ ...spec, models: spec.models.filter((m) => m.name === 'logreg'), strategies: spec.strategies.filter((s) => s.name === 'fedavg') }, baseDir, silent);
  const auroc = (kind: string) => study.runs.find((r) => r.kind === kind)!.metrics.auroc as number;
  assert.ok(Math.abs(auroc('federated') - auroc('pooled')) <= 0.02, `${auroc('federated')} vs ${auroc('pooled')}`);
  assert.ok(auroc('federated') > auroc('local-only'));
});
