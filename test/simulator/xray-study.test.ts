import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { parseStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';
import { prepareStudyData } from '../../src/simulator/study-data.js';

const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

const spec = (generate: string) => `
name: xray-tiny
seed: 3
data:
  kind: dicom-images
  sites:
    - { id: a, dir: a }
    - { id: b, dir: b }
  generate: ${generate}
  image: { size: [16, 16] }
  testFraction: 0.3
federation: { rounds: 2, minSites: 2 }
training: { epochs: 1, batchSize: 4, optimizer: { name: adam, lr: 0.01 } }
models:
  - name: cnn
    layers:
      - { type: conv2d, filters: 2, kernelSize: 3, padding: same }
      - { type: batchNorm }
      - { type: activation, activation: relu }
      - { type: maxPool2d, poolSize: 4 }
      - { type: flatten }
      - { type: dense, units: 2 }
strategies: [{ name: fedavg }, { name: fedbn }]
baselines: [pooled, local-only]
`;

test('a tiny dicom-images study (2 generated sites, 2 rounds) runs through runStudy and reports AUROC', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-xray-study-'));
  const s = parseStudySpec(spec('{ perSite: 10, seed: 8 }'), 'tiny.yaml');
  const run = await runStudy(s, dir, silent);
  assert.ok(existsSync(join(dir, 'a', 'manifest.csv')) && existsSync(join(dir, 'b', 'img-0010.dcm')));
  assert.equal(run.data.task, 'binary');
  assert.equal(run.data.dataset.rows, 20);
  assert.deepEqual(
    run.data.siteSummaries.map((x) => [x.id, x.trainExamples + x.testExamples, x.positives]),
    [
      ['a', 10, 4], // prevalence 0.35 → round(3.5) = 4
      ['b', 10, 5], // prevalence 0.5
    ],
  );
  assert.deepEqual(
    run.runs.map((r) => r.name),
    ['pooled/cnn', 'local-only/cnn', 'fedavg/cnn', 'fedbn/cnn'],
  );
  for (const r of run.runs) {
    const auroc = r.metrics.auroc;
    assert.ok(typeof auroc === 'number' && auroc >= 0 && auroc <= 1, `${r.name}: auroc ${auroc}`);
    assert.deepEqual(Object.keys(r.perSite), ['a', 'b']);
    assert.equal(r.history.length, 2);
  }
  // FedBN is personalised: its figure is the mean over sites of each site's own model (its own
  // batch-norm layers) on its own split, not the global model, which no site uses.
  const fedbn = run.runs.find((r) => r.name === 'fedbn/cnn')!;
  const own = Object.values(fedbn.perSite).map((m) => m.auroc).filter((v): v is number => typeof v === 'number');
  assert.ok(Math.abs((fedbn.metrics.auroc as number) - own.reduce((a, b) => a + b, 0) / own.length) < 1e-12);
  // The folders are reused as generated; other parameters are refused, naming the folder.
  const before = readFileSync(join(dir, 'a', 'img-0001.dcm'));
  await prepareStudyData(s, dir);
  assert.deepEqual(readFileSync(join(dir, 'a', 'img-0001.dcm')), before);
  await assert.rejects(
    prepareStudyData(parseStudySpec(spec('{ perSite: 12, seed: 8 }'), 'tiny.yaml'), dir),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && /a was generated with other parameters \(perSite/.test(e.message),
  );
});

test('dicom-images spec: a malformed manifest line stops the study with the file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-xray-bad-'));
  const s = parseStudySpec(spec('{ perSite: 4, seed: 8 }'), 'tiny.yaml');
  await prepareStudyData(s, dir);
  const manifest = join(dir, 'b', 'manifest.csv');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('img-0003.dcm,', 'img-0003.dcm;'));
  await assert.rejects(prepareStudyData(s, dir), (e: unknown) => e instanceof MedfedError && e.message.startsWith(`${manifest} line 4:`));
  assert.throws(
    () => parseStudySpec(spec('{ perSite: 4, seed: 8 }').replace('{ id: b, dir: b }', '{ id: b, dir: b, manifest: b/m.csv }'), 'tiny.yaml'),
    /exactly one of "dir" and "manifest"/,
  );
});
