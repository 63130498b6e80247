import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { loadStudySpec, parseStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';
import { initialWeights, modelLayout } from '../../src/core/model-params.js';
import type { Weights } from '../../src/core/tensors.js';
import { weightsSha256 } from '../../src/core/weights-hash.js';
import { getEngine } from '../../src/engine/registry.js';
import { niftiSitePatches } from '../../src/node/nifti-patch-site-data.js';
import { getStrategy, parseStrategyOptions } from '../../src/strategies/registry.js';

const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

const spec = `
name: tiny-segmentation
seed: 3
engine: auto
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
  // "auto" is resolved once, before the site workers start: the run records the engine that trained.
  assert.ok(['libtorch', 'tfjs-wasm'].includes(run.engine), run.engine);
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

test('examples/segmentation/study.yaml, reduced to 1 round of 8³ patches, runs every run with the same local training', async () => {
  // The real spec (engine auto, the batch-norm U-Net, every strategy and baseline), only smaller:
  // the full study takes about 12 minutes on libtorch (docs/segmentation.md).
  const { spec, baseDir } = loadStudySpec('examples/segmentation/study.yaml');
  assert.equal(spec.engine, 'auto');
  assert.ok(spec.data.kind === 'nifti-patches');
  const reduced = { ...spec, threads: 2, data: { ...spec.data, patchSize: 8, trainPatches: 4, testPatches: 2 }, federation: { ...spec.federation, rounds: 1 } };
  const run = await runStudy(reduced, baseDir, silent);
  assert.ok(['libtorch', 'tfjs-wasm'].includes(run.engine), run.engine);
  assert.deepEqual(
    run.runs.map((r) => r.name),
    ['pooled/unet3d', 'local-only/unet3d', ...spec.strategies.map((s) => `${s.label ?? s.name}/unet3d`)],
  );
  // A fair comparison: pooled, local-only and every strategy train with the study's local training.
  for (const r of run.runs) assert.deepEqual(r.training, spec.training, r.name);
  for (const r of run.runs) assert.equal(r.history.length, 1, r.name);
});

test('FedAvg of the U-Net: one site reproduces its own uninterrupted training exactly, and identical sites average to it', async () => {
  // Rounds restart the optimizer (as they do for every run), so the reference trains one epoch
  // per call with the same seeds; it never leaves the engine. Any bug in naming, converting or
  // averaging the concatSkip U-Net's tensors (or its batch-norm statistics) breaks the equality.
  const { train } = await niftiSitePatches(
    { kind: 'nifti-patches', image: 'data/imaging/ch2.nii.gz', labels: 'data/imaging/aal.nii.gz', siteIndex: 1, patchSize: 8, trainPatches: 6, testPatches: 1, foregroundFraction: 0.8, augment: true, coordinates: true, dataSeed: 7 },
    'scanner-b',
  );
  const layers = parseStudySpec(spec, 'tiny.yaml').models[0].layers;
  const layout = modelLayout({ inputShape: [...train.dataset.featureShape], layers: [layers[0], { type: 'batchNorm' }, ...layers.slice(1)], loss: 'voxel_softmax_cross_entropy' });
  const engine = await getEngine('tfjs-wasm');
  const model = await engine.build(layout.spec, { seed: 3 });
  const options = (round: number) => ({ epochs: 1, batchSize: 4, optimizer: { name: 'sgd' as const, lr: 0.1 }, seed: round });
  const initial = initialWeights(layout, 3);
  model.setWeights(initial);
  for (let round = 1; round <= 3; round++) await model.train(train.dataset, options(round));
  const reference = model.getWeights();
  const server = getStrategy('fedavg').createServer(parseStrategyOptions('fedavg', {}, 'fedavg'), layout);
  let global: Weights = initial;
  for (let round = 1; round <= 3; round++) {
    model.setWeights(global);
    await model.train(train.dataset, options(round));
    const reply = (siteId: string) => ({ siteId, weights: model.getWeights(), numExamples: train.dataset.n, steps: 2, extra: {}, metrics: {} });
    const ctx = { round, totalSites: 2, layout };
    const one = server.aggregateFit(ctx, global, [reply('a')]);
    const two = server.aggregateFit(ctx, global, [reply('a'), reply('b')]);
    assert.equal(weightsSha256(two), weightsSha256(one), `round ${round}: identical sites`);
    global = one;
  }
  assert.ok(layout.params.some((p) => p.name.startsWith('2.layers.')), 'the U-Net has tensors inside its concatSkip block');
  assert.equal(weightsSha256(global), weightsSha256(reference));
  assert.notEqual(weightsSha256(global), weightsSha256(initial));
  model.dispose();
});
