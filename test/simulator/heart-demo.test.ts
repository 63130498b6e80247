import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { bytesSha256 } from '../../src/core/weights-hash.js';
import { parseResults } from '../../src/report/results-schema.js';

const root = resolve(import.meta.dirname, '../../..');

test('medfed demo: federated learning matches pooled training and beats local-only, outputs complete', () => {
  const out = mkdtempSync(join(tmpdir(), 'medfed-demo-'));
  const r = spawnSync(process.execPath, [join(root, 'dist/src/cli/main.js'), 'demo', '--out', out, '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
  assert.ok(existsSync(join(out, 'report.html')));
  for (const model of ['logreg', 'mlp']) {
    const runs = results.runs.filter((x) => x.model === model);
    const auroc = (kind: string) => runs.filter((x) => x.kind === kind).map((x) => x.metrics.auroc ?? NaN);
    const pooled = auroc('pooled')[0];
    const localMean = auroc('local-only')[0];
    const bestFederated = Math.max(...auroc('federated'));
    assert.equal(auroc('federated').length, 4, 'FedAvg, FedProx, FedYogi and SCAFFOLD');
    assert.ok(Math.abs(bestFederated - pooled) <= 0.02, `${model}: best federated ${bestFederated} vs pooled ${pooled}`);
    assert.ok(bestFederated > localMean, `${model}: best federated ${bestFederated} vs local-only mean ${localMean}`);
  }
  // Every run's final weights are on disk, and the file's sha256 is the hash in results.json.
  for (const run of results.runs) {
    const file = join(out, 'models', `${run.name.replace('/', '_')}.safetensors`);
    assert.equal(bytesSha256(new Uint8Array(readFileSync(file))), run.finalWeightsSha256, run.name);
  }
  assert.match(r.stdout, /\| mlp \| fedavg \|/);
});
