import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDicomBytes, parseDicomImage } from '../../../src/connectors/dicom/index.js';
import { readDicomFile } from '../../../src/connectors/dicom/read-file.js';
import { MedfedError } from '../../../src/core/errors.js';
import { dicomFixtures, explicitLePixelDataOffset, fixtureBytes } from './fixture-path.js';

const at = (px: Float32Array, columns: number, row: number, col: number): number => px[row * columns + col];

// Reference values: pydicom tests/pixels/pixels_reference.py (EXPL_16_1_1F, IMPL_16_1_1F,
// EXPB_16_1_1F, RLE_16_1_1F): arr[0, 31:34] == (422, 319, 361), arr[31, :3] == (366, 363, 322),
// arr[-1, -3:] == (1369, 1129, 862). MR_small has no rescale, so modality values = stored values.
for (const name of ['MR_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm', 'MR_small_RLE.dcm']) {
  test(`${name}: 64×64 signed 16-bit MR with pydicom's documented pixel values`, async () => {
    const im = await readDicomFile(join(dicomFixtures, name));
    assert.equal(im.rows, 64);
    assert.equal(im.columns, 64);
    assert.equal(im.frames, 1);
    assert.equal(im.meta.modality, 'MR');
    assert.equal(im.meta.pixelRepresentation, 1);
    const px = im.pixels;
    assert.deepEqual([31, 32, 33].map((c) => at(px, 64, 0, c)), [422, 319, 361]);
    assert.deepEqual([0, 1, 2].map((c) => at(px, 64, 31, c)), [366, 363, 322]);
    assert.deepEqual([61, 62, 63].map((c) => at(px, 64, 63, c)), [1369, 1129, 862]);
    // pydicom test_filereader.py TestReader.test_MR: PixelSpacing [0.3125, 0.3125].
    assert.deepEqual(im.spacing.slice(0, 2), [0.3125, 0.3125]);
    assert.deepEqual(im.orientation, [1, 0, 0, 0, 1, 0]);
    assert.equal(im.meta.windowCenter, 600);
    assert.equal(im.meta.windowWidth, 1600);
  });
}

test('MR_small in explicit LE, big endian, implicit VR and RLE decode to identical pixel arrays', () => {
  const decoded = ['MR_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm', 'MR_small_RLE.dcm'].map((n) => parseDicomImage(fixtureBytes(n), n));
  const syntaxes = decoded.map((d) => d.meta.transferSyntax);
  assert.deepEqual(syntaxes, ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2', '1.2.840.10008.1.2.5']);
  for (const d of decoded.slice(1)) assert.deepEqual(d.pixels, decoded[0].pixels);
  // Independent check of the explicit little endian file: int16 read straight from the bytes.
  const raw = fixtureBytes('MR_small.dcm');
  const { offset, length } = explicitLePixelDataOffset(raw);
  assert.equal(length, 64 * 64 * 2);
  const view = new DataView(raw.buffer, raw.byteOffset);
  for (let i = 0; i < 64 * 64; i += 97) assert.equal(decoded[0].pixels[i], view.getInt16(offset + 2 * i, true));
});

test('CT_small: rescale gives Hounsfield units (stored 909 at the last pixel → 909 − 1024 HU)', async () => {
  const im = await readDicomFile(join(dicomFixtures, 'CT_small.dcm'));
  // pydicom test_filereader.py TestReader.test_CT / test_CT_PixelData: 128×128, BitsStored 16,
  // ImagePositionPatient [-158.135803, -179.035797, -75.699997], pixel_array[-1][-1] == 909 (stored).
  assert.equal(im.rows, 128);
  assert.equal(im.columns, 128);
  assert.equal(im.meta.bitsStored, 16);
  assert.deepEqual(im.position, [-158.135803, -179.035797, -75.699997]);
  assert.equal(im.meta.modality, 'CT');
  assert.equal(im.meta.manufacturer, 'GE MEDICAL SYSTEMS');
  assert.equal(im.meta.rescaleSlope, 1);
  assert.equal(im.meta.rescaleIntercept, -1024);
  assert.equal(im.pixels[128 * 128 - 1], 909 - 1024);
  assert.deepEqual(im.spacing.slice(0, 2), [0.661468, 0.661468]);
  // Every pixel equals the raw signed 16-bit value + intercept, decoded here from the bytes.
  const raw = fixtureBytes('CT_small.dcm');
  const { offset } = explicitLePixelDataOffset(raw);
  const view = new DataView(raw.buffer, raw.byteOffset);
  for (let i = 0; i < 128 * 128; i++) assert.equal(im.pixels[i], view.getInt16(offset + 2 * i, true) - 1024);
});

test('liver_1frame: bit-packed (BitsAllocated 1) segmentation matches pydicom reference bits', () => {
  const im = parseDicomImage(fixtureBytes('liver_1frame.dcm'), 'liver_1frame.dcm');
  assert.equal(im.meta.bitsAllocated, 1);
  assert.equal(im.meta.modality, 'SEG');
  const row = (r: number, from: number, to: number) => Array.from(im.pixels.subarray(r * 512 + from, r * 512 + to));
  // pydicom tests/pixels/pixels_reference.py EXPL_1_1_1F.
  assert.deepEqual(row(155, 180, 183), [0, 1, 1]);
  assert.deepEqual(row(155, 310, 314), [1, 0, 1, 0]);
  assert.deepEqual(row(254, 78, 81), [0, 1, 1]);
  assert.deepEqual(row(254, 304, 310), [1, 0, 0, 1, 1, 0]);
});

test('rtstruct.dcm (bare implicit VR data set, no preamble) parses; reading it as an image says it has no pixel data', () => {
  const parsed = parseDicomBytes(fixtureBytes('rtstruct.dcm'), 'rtstruct.dcm');
  assert.equal(parsed.hasFileMeta, false);
  assert.equal(parsed.transferSyntax.uid, '1.2.840.10008.1.2');
  // pydicom test_filereader.py TestReader.test_RTStruct: nested sequence values.
  const ds = parsed.dataSet;
  const study = ds.elements.x30060010.items![0].dataSet!.elements.x30060012.items![0].dataSet!;
  const series = study.elements.x30060014.items![0].dataSet!;
  assert.equal(series.string('x0020000e'), '1.2.826.0.1.3680043.8.498.2010020400001.2.1.1');
  const contour = ds.elements.x30060039.items![0].dataSet!.elements.x30060040.items![2].dataSet!;
  assert.equal(contour.intString('x30060048'), 3);
  assert.throws(() => parseDicomImage(fixtureBytes('rtstruct.dcm'), 'rtstruct.dcm'), /rtstruct\.dcm: has no Pixel Data \(7FE0,0010\).*RTSTRUCT/);
});

test('waveform_ecg.dcm parses as a data set; as an image it is refused (no pixel data)', () => {
  const parsed = parseDicomBytes(fixtureBytes('waveform_ecg.dcm'), 'waveform_ecg.dcm');
  assert.equal(parsed.dataSet.string('x00080060'), 'ECG');
  assert.ok(parsed.dataSet.elements.x54000100, 'has a Waveform Sequence');
  assert.throws(() => parseDicomImage(fixtureBytes('waveform_ecg.dcm'), 'waveform_ecg.dcm'), /no Pixel Data.*ECG/);
});
