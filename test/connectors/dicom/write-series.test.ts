import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dicomSeriesToVolume, parseDicomImage, writeDicomImage, type DicomImage } from '../../../src/connectors/dicom/index.js';
import { MedfedError } from '../../../src/core/errors.js';
import { explicitLePixelDataOffset } from './fixture-path.js';

test('writeDicomImage → parseDicomImage round trip: pixels, rescale, tags (explicit and implicit VR)', () => {
  const rows = 7;
  const columns = 5;
  const stored = Int16Array.from({ length: rows * columns * 2 }, (_, i) => ((i * 613) % 4000) - 2000);
  for (const transferSyntax of ['explicit-le', 'implicit-le'] as const) {
    const bytes = writeDicomImage({
      rows, columns, frames: 2, storedValues: stored, bitsStored: 12, modality: 'CT', rescaleSlope: 0.5, rescaleIntercept: -1024,
      pixelSpacing: [0.8, 0.6], manufacturer: 'SiteA Imaging', manufacturerModelName: 'Model 7', institutionName: 'Hospital A',
      imageComments: 'opacity=1', windowCenter: 40, windowWidth: 400, instanceNumber: 3, transferSyntax,
    });
    const im = parseDicomImage(bytes, 'roundtrip.dcm');
    assert.equal(im.frames, 2);
    assert.deepEqual(Array.from(im.pixels), Array.from(stored, (v) => v * 0.5 - 1024));
    assert.deepEqual(im.spacing.slice(0, 2), [0.6, 0.8]);
    assert.equal(im.meta.manufacturer, 'SiteA Imaging');
    assert.equal(im.meta.manufacturerModelName, 'Model 7');
    assert.equal(im.meta.institutionName, 'Hospital A');
    assert.equal(im.meta.imageComments, 'opacity=1');
    assert.equal(im.meta.bitsStored, 12);
    assert.equal(im.meta.windowWidth, 400);
    assert.equal(im.meta.instanceNumber, 3);
    assert.equal(im.meta.transferSyntax, transferSyntax === 'implicit-le' ? '1.2.840.10008.1.2' : '1.2.840.10008.1.2.1');
  }
});

test('BitsStored masking: garbage in the unused high bits of 12-bit unsigned pixels is ignored', () => {
  const stored = Uint16Array.from({ length: 16 }, (_, i) => i * 273); // up to 4095
  const bytes = writeDicomImage({ rows: 4, columns: 4, storedValues: stored, bitsStored: 12, modality: 'DX' });
  const { offset } = explicitLePixelDataOffset(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (let i = 0; i < 16; i++) view.setUint16(offset + 2 * i, stored[i] | 0xb000, true); // overlay-like bits 12..15
  const im = parseDicomImage(bytes, 'masked.dcm');
  assert.deepEqual(Array.from(im.pixels), Array.from(stored));
});

test('writeDicomImage refuses values that do not fit BitsStored and wrong lengths', () => {
  assert.throws(() => writeDicomImage({ rows: 1, columns: 2, storedValues: new Uint16Array([0, 4096]), bitsStored: 12, modality: 'DX' }), /4096 .* does not fit 12 bits/);
  assert.throws(() => writeDicomImage({ rows: 2, columns: 2, storedValues: new Uint8Array(3), modality: 'DX' }), MedfedError);
});

/** A 3×4 slice at z (mm) whose pixels encode its z, written and read back through DICOM. */
function slice(z: number, instance: number, orientation: [number, number, number, number, number, number] = [1, 0, 0, 0, 1, 0]): DicomImage {
  const stored = Int16Array.from({ length: 12 }, (_, i) => z * 10 + i);
  const bytes = writeDicomImage({
    rows: 3, columns: 4, storedValues: stored, modality: 'CT', pixelSpacing: [0.9, 0.7], imagePositionPatient: [-10, 20, z],
    imageOrientationPatient: orientation, instanceNumber: instance, sliceThickness: 2.5,
  });
  return parseDicomImage(bytes, `slice${instance}.dcm`);
}

test('series → volume: slices sorted along the normal whatever the file order; spacing from positions', () => {
  const zs = [10, 2.5, 7.5, 5, 0];
  const images = zs.map((z, i) => slice(z, i + 1));
  const vol = dicomSeriesToVolume(images);
  assert.deepEqual(vol.dims, [4, 3, 5]);
  assert.deepEqual(vol.spacing, [0.7, 0.9, 2.5]);
  assert.deepEqual(vol.origin, [-10, 20, 0]);
  assert.deepEqual(vol.direction[2], [0, 0, 1]);
  assert.equal(vol.sortedBy, 'position');
  for (let z = 0; z < 5; z++) assert.equal(vol.voxels[z * 12 + 5], z * 2.5 * 10 + 5);
  // Feet-first orientation (column direction flipped): the normal is −z, so the highest z comes first.
  const flipped = dicomSeriesToVolume(zs.map((z, i) => slice(z, i + 1, [1, 0, 0, 0, -1, 0])));
  assert.deepEqual(flipped.direction[2], [0, 0, -1]);
  assert.deepEqual(flipped.slices.map((s) => s.position![2]), [10, 7.5, 5, 2.5, 0]);
});

test('series errors: missing slice, duplicate slice, mixed orientation', () => {
  assert.throws(() => dicomSeriesToVolume([0, 2.5, 7.5, 10].map((z, i) => slice(z, i + 1))), /slice gap 5\.0000 mm .* median 2\.5000 mm/);
  assert.throws(() => dicomSeriesToVolume([0, 2.5, 2.5].map((z, i) => slice(z, i + 1))), /same position/);
  assert.throws(() => dicomSeriesToVolume([slice(0, 1), slice(2.5, 2, [0, 1, 0, 0, 0, -1])]), /ImageOrientationPatient/);
});
