import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNifti } from '../../../src/connectors/nifti/index.js';
import { buildNifti1, buildNifti2 } from './build-nifti.js';

const values = [0, 1, -2, 300, 7, -1000, 12, 5];

test('datatypes uint8/int16/int32/float32/float64 and uint16, both byte orders, read back exactly', () => {
  const cases: Array<[number, number, number[]]> = [
    [2, 8, [0, 1, 2, 255, 7, 100, 12, 5]],
    [4, 16, values],
    [8, 32, [0, 1, -2, 70000, 7, -100000, 12, 5]],
    [16, 32, [0, 1.5, -2.25, 300.125, 7, -1000.5, 12, 5]],
    [64, 64, [0, 1.5, -2.25, 300.125, 7, -1000.5, 12, 1e-3]],
    [512, 16, [0, 1, 2, 65535, 7, 1000, 12, 5]],
  ];
  for (const [datatype, bitpix, vals] of cases) {
    for (const littleEndian of [true, false]) {
      const v = parseNifti(buildNifti1({ dims: [2, 2, 2], datatype, bitpix, values: vals, littleEndian }), 't.nii');
      assert.equal(v.littleEndian, littleEndian);
      assert.deepEqual(Array.from(v.data), vals.map(Math.fround), `datatype ${datatype} le=${littleEndian}`);
    }
  }
});

test('scl_slope/scl_inter are applied (slope 0 means none); labels refuse scaling and float data', () => {
  const scaled = parseNifti(buildNifti1({ dims: [2, 2, 2], datatype: 4, bitpix: 16, values, sclSlope: 0.5, sclInter: 10 }), 's.nii');
  assert.deepEqual(Array.from(scaled.data), values.map((x) => x * 0.5 + 10));
  assert.deepEqual(scaled.scaling, { slope: 0.5, intercept: 10 });
  const none = parseNifti(buildNifti1({ dims: [2, 2, 2], datatype: 4, bitpix: 16, values, sclSlope: 0, sclInter: 10 }), 'n.nii');
  assert.deepEqual(Array.from(none.data), values);
  assert.throws(() => parseNifti(buildNifti1({ dims: [2, 2, 2], datatype: 4, bitpix: 16, values, sclSlope: 2 }), 'l.nii', { labels: true }), /would change label values/);
  assert.throws(() => parseNifti(buildNifti1({ dims: [2, 2, 2], datatype: 16, bitpix: 32, values }), 'f.nii', { labels: true }), /float32 data as labels/);
  const labels = parseNifti(buildNifti1({ dims: [2, 2, 2], datatype: 8, bitpix: 32, values: [0, 1, 2, 116, 2001, 9170, 3, 0], intentCode: 1002 }), 'a.nii');
  assert.equal(labels.kind, 'labels');
  assert.deepEqual(Array.from(labels.data), [0, 1, 2, 116, 2001, 9170, 3, 0]);
});

test('qform from the quaternion when sform_code is 0: 90° about z, qfac −1, by hand', () => {
  // Unit quaternion for +90° about z: (a, b, c, d) = (cos 45°, 0, 0, sin 45°) → R = [[0,−1,0],[1,0,0],[0,0,1]].
  const s = Math.SQRT1_2;
  const v = parseNifti(buildNifti1({
    dims: [2, 2, 2], datatype: 2, bitpix: 8, values: [0, 0, 0, 0, 0, 0, 0, 0], pixdim: [-1, 2, 3, 4, 1, 1, 1, 1],
    qformCode: 1, quatern: [0, 0, s], qoffset: [10, 20, 30],
  }), 'q.nii');
  assert.equal(v.affineSource, 'qform');
  // Columns scaled by (2, 3, qfac·4 = −4).
  const expected = [[0, -3, 0, 10], [2, 0, 0, 20], [0, 0, -4, 30], [0, 0, 0, 1]];
  expected.forEach((row, r) => row.forEach((x, c) => assert.ok(Math.abs(v.affine[r][c] - x) < 1e-6, `affine[${r}][${c}]`)));
  // i → +y (A), j → −x (L), k → −z (I).
  assert.equal(v.orientation, 'ALI');
});

test('sform wins over qform when sform_code > 0; neither → diag(pixdim)', () => {
  const srow = [[-1.5, 0, 0, 90], [0, 0, 1.5, -126], [0, -1.5, 0, 72]];
  const both = parseNifti(buildNifti1({ dims: [2, 2, 2], datatype: 2, bitpix: 8, values: new Array(8).fill(0), qformCode: 1, quatern: [0, 0, 1], sformCode: 2, srow }), 'b.nii');
  assert.equal(both.affineSource, 'sform');
  assert.deepEqual(both.affine.slice(0, 3), srow);
  assert.equal(both.orientation, 'LIA');
  const bare = parseNifti(buildNifti1({ dims: [2, 2, 2], datatype: 2, bitpix: 8, values: new Array(8).fill(0), pixdim: [1, 0.5, 0.75, 2, 1, 1, 1, 1] }), 'p.nii');
  assert.equal(bare.affineSource, 'pixdim');
  assert.deepEqual(bare.affine, [[0.5, 0, 0, 0], [0, 0.75, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]]);
  assert.deepEqual(bare.spacing, [0.5, 0.75, 2]);
});

test('NIfTI-2 (540-byte header, 64-bit fields) in both byte orders', () => {
  for (const littleEndian of [true, false]) {
    const srow = [[2, 0, 0, -10], [0, 2, 0, -20], [0, 0, 2, -30]];
    const v = parseNifti(buildNifti2({ dims: [2, 2, 2], datatype: 4, bitpix: 16, values, littleEndian, sformCode: 1, srow, pixdim: [1, 2, 2, 2, 1, 1, 1, 1] }), 'v2.nii');
    assert.equal(v.version, 2);
    assert.deepEqual(Array.from(v.data), values);
    assert.deepEqual(v.affine.slice(0, 3), srow);
    assert.equal(v.orientation, 'RAS');
  }
});
