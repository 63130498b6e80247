import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStudySpec } from '../../src/node/load-study-spec.js';
import type { Progress } from '../../src/cli/progress.js';
import { runStudy } from '../../src/simulator/run-study.js';

const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

const spec = (dropout: number, minSites: number) => `
name: tiny-ecg
seed: 4
threads: 2
data: { kind: ecg-synthetic, devices: 10, durationSeconds: 30, dropout: ${dropout}, seed: 2 }
federation: { rounds: 2, fractionFit: 0.5, minSites: ${minSites} }
training: { epochs: 1, batchSize: 16, optimizer: { name: adam, lr: 0.003 } }
models:
  - name: cnn
    layers:
      - { type: conv1d, filters: 4, kernelSize: 7, activation: relu }
      - { type: maxPool1d, poolSize: 4 }
      - { type: flatten }
      - { type: dense, units: 2 }
strategies: [{ name: fedavg }]
baselines: [pooled, local-only]
`;

test('a tiny wearable ECG study runs end to end: 10 devices, 5 sampled per round, dropouts reported, AUROC for every run', async () => {
  const run = await runStudy(parseStudySpec(spec(0.3, 2), 'tiny.yaml'), '.', silent);
  const names = run.runs.map((r) => r.name).sort();
  assert.deepEqual(names, ['fedavg/cnn', 'local-only/cnn', 'pooled/cnn']);
  for (const r of run.runs) assert.ok(typeof r.metrics.auroc === 'number' && r.metrics.auroc >= 0 && r.metrics.auroc <= 1, r.name);
  assert.equal(run.data.sites.length, 10);
  assert.equal(run.data.task, 'binary');
  // Devices failed fit requests (dropout 0.3) and the rounds still completed with the rest.
  const fed = run.runs.find((r) => r.name === 'fedavg/cnn')!;
  assert.equal(fed.history.length, 2);
  const failed = run.runs.flatMap((r) => r.history.flatMap((h) => (h as { failed?: string[] }).failed ?? []));
  assert.ok(failed.length > 0, 'some device dropped out');
  assert.ok(failed.every((id) => /^device-\d{3}$/.test(id)));
});

test('minSites above the devices sampled per round is a configuration error', async () => {
  await assert.rejects(runStudy(parseStudySpec(spec(0.1, 6), 'tiny.yaml'), '.', silent), /federation.minSites 6 is more than the 5 devices sampled per round/);
});
