import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDicomImage, writeDicomImage } from '../../src/connectors/dicom/index.js';
import { preprocessDicomImage, resampleImage } from '../../src/imaging/preprocess.js';

test('resampleImage: area means when shrinking, linear interpolation when enlarging, copy at equal size', () => {
  const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  assert.deepEqual(Array.from(resampleImage(src, 4, 4, 2, 2)), [3.5, 5.5, 11.5, 13.5]);
  // 3 → 2 along a row: output pixels cover [0, 1.5) and [1.5, 3).
  assert.deepEqual(Array.from(resampleImage(Float32Array.from([0, 3, 6]), 1, 3, 1, 2)), [1, 5]);
  const up = resampleImage(Float32Array.from([0, 4]), 1, 2, 1, 4);
  assert.deepEqual(Array.from(up), [0, 1, 3, 4]);
  assert.deepEqual(Array.from(resampleImage(src, 4, 4, 4, 4)), Array.from(src));
  assert.throws(() => resampleImage(src, 3, 4, 2, 2), /16 values for a 3×4 image/);
});

test('preprocessDicomImage: MONOCHROME1 inverted, rescale applied, z-scored or 0..1', () => {
  const stored = Uint16Array.from([0, 1000, 2000, 4000]);
  const mono2 = parseDicomImage(writeDicomImage({ rows: 2, columns: 2, storedValues: stored, bitsStored: 12, modality: 'DX', rescaleSlope: 2, rescaleIntercept: -100 }), 'm2.dcm');
  const mono1 = parseDicomImage(
    writeDicomImage({ rows: 2, columns: 2, storedValues: stored, bitsStored: 12, modality: 'CR', photometricInterpretation: 'MONOCHROME1' }),
    'm1.dcm',
  );
  const p = { size: [2, 2] as const, window: 'minmax' as const, normalize: 'minmax' as const };
  const a = preprocessDicomImage(mono2, p, 'm2.dcm');
  const b = preprocessDicomImage(mono1, p, 'm1.dcm');
  assert.deepEqual(Array.from(a), [0, 0.25, 0.5, 1]);
  assert.deepEqual(Array.from(b), [1, 0.75, 0.5, 0]);
  const z = preprocessDicomImage(mono2, { ...p, normalize: 'zscore' }, 'm2.dcm');
  const mean = z.reduce((s, v) => s + v, 0) / 4;
  const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / 4);
  assert.ok(Math.abs(mean) < 1e-6 && Math.abs(sd - 1) < 1e-5);
  const multi = parseDicomImage(writeDicomImage({ rows: 1, columns: 2, frames: 2, storedValues: Uint16Array.from([1, 2, 3, 4]), modality: 'DX' }), 'multi.dcm');
  assert.throws(() => preprocessDicomImage(multi, p, 'multi.dcm'), /multi\.dcm has 2 frames/);
});
