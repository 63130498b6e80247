import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { parseStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';

const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

const spec = `
name: tiny-segmentation
seed: 3
threads: 2
data:
  kind: nifti-patches
  image: data/imaging/ch2.nii.gz
  labels: data/imaging/aal.nii.gz
  sites: [scanner-a, scanner-b]
  patchSize: 8
  trainPatches: 6
  testPatches: 3
  seed: 7
federation: { rounds: 2, fractionFit: 1, minSites: 2 }
training: { epochs: 1, batchSize: 4, optimizer: { name: adam, lr: 0.01 } }
models:
  - name: unet
    layers:
      - { type: conv3d, filters: 4, kernelSize: 3, padding: same, activation: relu }
      - type: concatSkip
        layers:
          - { type: maxPool3d, poolSize: 2 }
          - { type: conv3d, filters: 4, kernelSize: 3, padding: same, activation: relu }
          - { type: upsample, scaleFactor: 2 }
      - { type: conv3d, filters: 4, kernelSize: 1 }
strategies: [{ name: fedavg }]
baselines: [pooled]
`;

test('a tiny 3D segmentation study (2 scanners, 8³ patches, 2 rounds) runs end to end with Dice per structure', async () => {
  const run = await runStudy(parseStudySpec(spec, 'tiny.yaml'), '.', silent);
  assert.equal(run.data.task, 'segmentation');
  assert.equal(run.data.loss, 'voxel_softmax_cross_entropy');
  assert.deepEqual(run.runs.map((r) => r.name).sort(), ['fedavg/unet', 'pooled/unet']);
  const { pooledTest, pooledTrain } = await run.data.materializeAll();
  assert.equal(pooledTest.n, 6);
  assert.equal(pooledTest.y.length, 6 * 8 ** 3);
  assert.equal(pooledTrain.y.length, 12 * 8 ** 3);
  for (const r of run.runs) {
    const m = r.metrics as Record<string, unknown>;
    assert.equal(m.task, 'segmentation', r.name);
    for (const k of ['dice', 'dice_1', 'dice_2', 'dice_3', 'voxelAccuracy']) {
      assert.ok(typeof m[k] === 'number' && (m[k] as number) >= 0 && (m[k] as number) <= 1, `${r.name} ${k} = ${String(m[k])}`);
    }
    assert.equal(r.history.length, 2);
  }
});
