import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NiftiVolume } from '../../src/connectors/nifti/index.js';
import { readNiftiFile } from '../../src/connectors/nifti/read-file.js';
import { alignLabels, DEFAULT_STRUCTURES } from '../../src/imaging/brain-patches.js';
import { acquirePatch, mriScannerProfile } from '../../src/imaging/mri-scanner.js';
import { Rng } from '../../src/core/random.js';
import { loadBrainVolume, niftiSitePatches, type NiftiPatchesSiteDataConfig } from '../../src/node/nifti-patch-site-data.js';

const IMAGE = 'data/imaging/ch2.nii.gz';
const LABELS = 'data/imaging/aal.nii.gz';
const config = (siteIndex: number, dataSeed = 7): NiftiPatchesSiteDataConfig => ({
  kind: 'nifti-patches',
  image: IMAGE,
  labels: LABELS,
  siteIndex,
  patchSize: 16,
  trainPatches: 12,
  testPatches: 6,
  foregroundFraction: 0.8,
  augment: true,
  coordinates: false,
  dataSeed,
});

// AAL ids → classes, stated independently of the code under test (data/imaging/aal.nii.txt).
const CLASS_OF: Record<number, number> = { 37: 1, 38: 1, 41: 2, 42: 2, 77: 3, 78: 3 };

test('patch labels are the AAL structures at the patch voxels (train flipped left-right where augmented), train left and test right of the midline', async () => {
  const aal = await readNiftiFile(LABELS, { labels: true });
  const [nx, ny] = aal.dims;
  const { train, test: held } = await niftiSitePatches(config(1), 'scanner-b');
  const s = 16;
  let foreground = 0;
  for (const [set, hemisphere] of [[train, 'left'], [held, 'right']] as const) {
    assert.equal(set.dataset.y.length, set.dataset.n * s ** 3);
    assert.deepEqual(set.dataset.featureShape, [s, s, s, 1]);
    set.origins.forEach((o, p) => {
      // RAS grid, x = i - 90 mm: left hemisphere i < 90, right i > 90.
      if (hemisphere === 'left') assert.ok(o.i + s <= 90, `train patch ${p} at i=${o.i} crosses the midline`);
      else assert.ok(o.i >= 91, `test patch ${p} at i=${o.i} crosses the midline`);
      const flip = set.flipped[p];
      for (let dk = 0; dk < s; dk++) {
        for (let dj = 0; dj < s; dj++) {
          for (let di = 0; di < s; di++) {
            const atlas = aal.data[o.i + (flip ? s - 1 - di : di) + nx * (o.j + dj + ny * (o.k + dk))];
            const label = set.dataset.y[p * s ** 3 + (dk * s + dj) * s + di];
            assert.equal(label, CLASS_OF[atlas] ?? 0);
            if (label > 0) foreground++;
          }
        }
      }
    });
  }
  assert.ok(train.flipped.some((f) => f) && train.flipped.some((f) => !f), 'augmentation flips some patches, not all');
  assert.ok(held.flipped.every((f) => !f), 'test patches are not augmented');
  assert.ok(foreground > 0.1 * 18 * s ** 3, `patches are centred on structures (${foreground} foreground voxels)`);
});

test('scanner effects are deterministic by seed and differ between sites and seeds', async () => {
  const a = await niftiSitePatches(config(0), 'scanner-a');
  const again = await niftiSitePatches(config(0), 'scanner-a');
  assert.deepEqual(a.profile, again.profile);
  assert.deepEqual(a.train.dataset.x, again.train.dataset.x);
  assert.deepEqual(a.test.dataset.x, again.test.dataset.x);
  assert.notDeepEqual(mriScannerProfile(7, 0), mriScannerProfile(7, 1));
  assert.notDeepEqual(mriScannerProfile(7, 0), mriScannerProfile(8, 0));
  const other = await niftiSitePatches(config(0, 8), 'scanner-a');
  assert.notDeepEqual(other.train.dataset.x, a.train.dataset.x);
  for (const v of a.train.dataset.x) assert.ok(Number.isFinite(v));
});

test('an ideal scanner (gamma 1, no bias, blur or noise) gives the z-scored true intensities; gamma and noise change them', () => {
  const size = 4;
  const block = Float32Array.from({ length: size ** 3 }, (_, i) => 0.1 + (i % 7) / 10);
  const dims = [181, 217, 181] as const;
  const o = { i: 10, j: 20, k: 30 };
  const ideal = acquirePatch(block, size, 0, o, dims, { gamma: 1, bias: new Array(9).fill(0), blurSigma: 0, noiseSigma: 0 }, new Rng(1));
  const mean = block.reduce((a, b) => a + b, 0) / block.length;
  const sd = Math.sqrt(block.reduce((a, b) => a + (b - mean) ** 2, 0) / block.length);
  ideal.forEach((v, i) => assert.ok(Math.abs(v - (block[i] - mean) / sd) < 1e-5));
  const gamma = acquirePatch(block, size, 0, o, dims, { gamma: 1.4, bias: new Array(9).fill(0), blurSigma: 0, noiseSigma: 0 }, new Rng(1));
  assert.ok(gamma.some((v, i) => Math.abs(v - ideal[i]) > 1e-3));
  const noisy = acquirePatch(block, size, 0, o, dims, { gamma: 1, bias: new Array(9).fill(0), blurSigma: 0, noiseSigma: 0.05 }, new Rng(1));
  const again = acquirePatch(block, size, 0, o, dims, { gamma: 1, bias: new Array(9).fill(0), blurSigma: 0, noiseSigma: 0.05 }, new Rng(1));
  assert.deepEqual(noisy, again);
  assert.ok(noisy.some((v, i) => Math.abs(v - ideal[i]) > 1e-3));
});

test('labels on another grid are resampled to the MRI grid by nearest neighbour through the affines', () => {
  const vol = (dims: number[], affine: NiftiVolume['affine'], data: Int32Array | Float32Array, kind: NiftiVolume['kind']): NiftiVolume => ({
    version: 1, dims, spacing: [1, 1, 1], affine, affineSource: 'sform', orientation: 'RAS', datatype: 'int32', littleEndian: true,
    scaling: { slope: 1, intercept: 0 }, kind, data, intentCode: 0, description: '',
  });
  // Image: 4×1×1 at 1 mm from x = 0. Labels: 2×1×1 at 2 mm from x = 0.5 (centres 0.5, 2.5).
  const image = vol([4, 1, 1], [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], new Float32Array(4), 'intensity');
  const labels = vol([2, 1, 1], [[2, 0, 0, 0.5], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], Int32Array.from([37, 77]), 'labels');
  // x = 0, 1 → label voxel 0 (37, hippocampus); x = 2 → (2 - 0.5) / 2 = 0.75 → voxel 1; x = 3 → 1.25 → voxel 1 (77, thalamus).
  assert.deepEqual([...alignLabels(image, labels, DEFAULT_STRUCTURES)], [1, 1, 3, 3]);
});

test('the aligned class volume of Colin27/AAL has every structure in both hemispheres', async () => {
  const vol = await loadBrainVolume(IMAGE, LABELS);
  assert.deepEqual(vol.hemispheres, { left: [0, 90], right: [91, 181] });
  for (const [hemi, [lo, hi]] of Object.entries(vol.hemispheres)) {
    const counts = [0, 0, 0, 0];
    for (let v = 0; v < vol.classes.length; v++) {
      const i = v % 181;
      if (i >= lo && i < hi) counts[vol.classes[v]]++;
    }
    assert.ok(counts.slice(1).every((c) => c > 500), `${hemi}: ${counts.join(', ')}`);
  }
});
