import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { initialWeights, modelLayout } from '../../src/core/model-params.js';
import { decodeSafetensors } from '../../src/core/safetensors.js';
import { parseResults } from '../../src/report/results-schema.js';

const root = resolve(import.meta.dirname, '../../..');
const data = join(root, 'data/molecules');

const spec = `
name: mol-tiny
seed: 3
data:
  kind: molecules
  features: { radius: 2, bits: 128, descriptors: [tpsa] }
  invalidMolecules: skip
  sites:
    - { id: chembl, task: regression, source: { format: smi, file: ${data}/CHEMBL2321810.smi, activities: { file: ${data}/CHEMBL2321810_act.csv, idColumn: Name, valueColumn: Act } } }
    - { id: fdamdd, task: classification, source: { format: smi, file: ${data}/FDAMDD.smi, labels: ${data}/FDAMDD.csv } }
    - { id: bzr, task: regression, source: { format: sdf, file: ${data}/bzr.sdf, property: ACTIVITY } }
federation: { rounds: 2 }
training: { epochs: 1, batchSize: 64, optimizer: { name: adam, lr: 0.001 } }
models:
  - name: mt
    layers: [{ type: dense, units: 16, activation: relu }, { type: dense, units: 1 }]
strategies: [{ name: fedper }]
`;

test('multi-task molecules study end to end: per-assay RMSE/AUROC for pooled, local-only and fedper; the coordinator never gets a trained head', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-mol-'));
  writeFileSync(join(dir, 'study.yaml'), spec);
  const out = join(dir, 'out');
  const r = spawnSync(process.execPath, [join(root, 'dist/src/cli/main.js'), 'simulate', join(dir, 'study.yaml'), '--out', out, '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
  assert.equal(results.study.task, 'multi-task');
  assert.equal(results.study.primaryMetric, 'loss');
  assert.deepEqual(results.study.sites.map((s) => [s.id, s.task]), [['chembl', 'regression'], ['fdamdd', 'binary'], ['bzr', 'regression']]);
  assert.equal(results.study.sites[1].trainExamples + results.study.sites[1].testExamples, 795, 'FDAMDD line 794 left out');
  assert.deepEqual(results.runs.map((x) => x.name), ['pooled/mt', 'local-only/mt', 'fedper/mt']);
  for (const run of results.runs) {
    assert.ok(Number.isFinite(run.perSite.chembl.rmse) && Number.isFinite(run.perSite.bzr.rmse), run.name);
    const auroc = run.perSite.fdamdd.auroc!;
    assert.ok(auroc > 0.5 && auroc <= 1, `${run.name} FDAMDD AUROC ${auroc}`);
    assert.equal(run.perSite.fdamdd.rmse, undefined);
    assert.ok(Number.isFinite(run.metrics.loss), run.name);
  }
  // The fedper global model's head is still the initial head: sites replied with the head they received.
  const layout = modelLayout({ inputShape: [129], layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 1 }], loss: 'mse' });
  const init = initialWeights(layout, 3);
  const final = decodeSafetensors(new Uint8Array(readFileSync(join(out, 'models', 'fedper_mt.safetensors')))).tensors;
  assert.deepEqual(Array.from(final.get('1.weight')!.data), Array.from(init.get('1.weight')!.data));
  assert.deepEqual(Array.from(final.get('1.bias')!.data), Array.from(init.get('1.bias')!.data));
  assert.notDeepEqual(Array.from(final.get('0.weight')!.data), Array.from(init.get('0.weight')!.data), 'the trunk was trained');
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /Per assay/);
});
