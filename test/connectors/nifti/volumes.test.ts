import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readLabelTableFile, readNiftiFile } from '../../../src/connectors/nifti/read-file.js';
import { imagingData, missing, niftiFixtures, rawNifti } from './fixture-path.js';

const close = (a: number, b: number, tol = 1e-4) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

test('example4d.nii.gz: 128×96×24×2 int16, values and affine as stated by NIfTI.jl tests', async () => {
  // NIfTI.jl test/runtests.jl: size (128, 96, 24, 2), voxel size (2, 2, 2.2), raw[65,49,13,:] == [265, 266]
  // (1-based), vox(img, 69, 56, 13, :) == [502, 521] (0-based), getaffine (sform) and orientation.
  const v = await readNiftiFile(join(niftiFixtures, 'example4d.nii.gz'));
  assert.deepEqual(v.dims, [128, 96, 24, 2]);
  assert.equal(v.datatype, 'int16');
  close(v.spacing[0], 2);
  close(v.spacing[1], 2);
  close(v.spacing[2], 2.2);
  const at = (i: number, j: number, k: number, t: number) => v.data[i + 128 * (j + 96 * (k + 24 * t))];
  assert.deepEqual([at(64, 48, 12, 0), at(64, 48, 12, 1)], [265, 266]);
  assert.deepEqual([at(69, 56, 13, 0), at(69, 56, 13, 1)], [502, 521]);
  assert.equal(v.affineSource, 'sform');
  const expected = [
    [-2.0, 0, 0, 117.8551025390625],
    [0, 1.9737114906311035, -0.35552823543548584, -35.72294235229492],
    [0, 0.3232076168060303, 2.171081781387329, -7.248798370361328],
    [0, 0, 0, 1],
  ];
  expected.forEach((row, r) => row.forEach((x, c) => close(v.affine[r][c], x, 1e-5)));
  // NIfTI.jl says (:right, :posterior, :inferior) = where axes come FROM; nibabel's "toward" code is LAS.
  assert.equal(v.orientation, 'LAS');
});

test('anatomical.nii: big-endian int16 33×41×25, every voxel equal to a hand decode of the raw bytes', async () => {
  const path = join(niftiFixtures, 'anatomical.nii');
  const v = await readNiftiFile(path);
  assert.equal(v.littleEndian, false);
  assert.deepEqual(v.dims, [33, 41, 25]);
  assert.deepEqual(v.spacing, [2, 2, 2]);
  const raw = rawNifti(path);
  assert.equal(raw.getInt32(0, false), 348); // sizeof_hdr, big endian
  const voxOffset = raw.getFloat32(108, false);
  for (let n = 0; n < 33 * 41 * 25; n++) assert.equal(v.data[n], raw.getInt16(voxOffset + 2 * n, false));
  // sform (code 2) = diag(-2, 2, 2) + offset (32, -40, -16): x decreases with i → "LAS".
  assert.deepEqual(v.affine, [[-2, 0, 0, 32], [0, 2, 0, -40], [0, 0, 2, -16], [0, 0, 0, 1]]);
  assert.equal(v.orientation, 'LAS');
});

test('ch2.nii.gz (Colin27): 181×217×181 uint8 at 1 mm, voxels match a node:zlib decode at computed offsets', { skip: missing(join(imagingData, 'ch2.nii.gz')) }, async () => {
  const path = join(imagingData, 'ch2.nii.gz');
  const v = await readNiftiFile(path);
  assert.deepEqual(v.dims, [181, 217, 181]);
  assert.deepEqual(v.spacing, [1, 1, 1]);
  assert.equal(v.datatype, 'uint8');
  assert.equal(v.affineSource, 'sform');
  assert.deepEqual(v.affine, [[1, 0, 0, -90], [0, 1, 0, -125], [0, 0, 1, -71], [0, 0, 0, 1]]);
  assert.equal(v.orientation, 'RAS');
  const raw = rawNifti(path);
  const voxOffset = raw.getFloat32(108, true);
  for (const [i, j, k] of [[90, 108, 90], [0, 0, 0], [180, 216, 180], [60, 150, 100], [120, 40, 30]]) {
    assert.equal(v.data[i + 181 * (j + 217 * k)], raw.getUint8(voxOffset + i + 181 * (j + 217 * k)));
  }
  let brain = 0;
  for (const x of v.data) if (x > 0) brain++;
  assert.ok(brain > 1_000_000, `a head volume has many non-zero voxels (${brain})`);
});

test('aal.nii.gz: label volume (intent 1002) in Int32Array; its labels are exactly 0 plus the 116 of aal.nii.txt', { skip: missing(join(imagingData, 'aal.nii.gz')) }, async () => {
  const v = await readNiftiFile(join(imagingData, 'aal.nii.gz'));
  assert.equal(v.kind, 'labels');
  assert.ok(v.data instanceof Int32Array);
  assert.deepEqual(v.dims, [181, 217, 181]);
  assert.deepEqual(v.spacing, [1, 1, 1]);
  const table = await readLabelTableFile(join(imagingData, 'aal.nii.txt'));
  assert.equal(table.length, 116);
  assert.deepEqual(table.find((l) => l.name === 'Hippocampus_L'), { index: 37, name: 'Hippocampus_L', code: 4101 });
  const present = [...new Set(v.data)].sort((a, b) => a - b);
  assert.deepEqual(present, [0, ...table.map((l) => l.index).sort((a, b) => a - b)]);
});

test('aal read as intensities (labels: false) gives the same numbers as Float32', { skip: missing(join(imagingData, 'aal.nii.gz')) }, async () => {
  const asFloat = await readNiftiFile(join(imagingData, 'aal.nii.gz'), { labels: false });
  const asLabels = await readNiftiFile(join(imagingData, 'aal.nii.gz'));
  assert.equal(asFloat.kind, 'intensity');
  assert.ok(asFloat.data instanceof Float32Array);
  for (let i = 0; i < asLabels.data.length; i += 997) assert.equal(asFloat.data[i], asLabels.data[i]);
});
