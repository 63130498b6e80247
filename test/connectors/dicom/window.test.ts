import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDicomImage, toDisplayValues, writeDicomImage } from '../../../src/connectors/dicom/index.js';
import { fixtureBytes } from './fixture-path.js';

test("MR_small's own window (centre 600, width 1600) by the PS3.3 C.11.2.1.2.1 formula, by hand", () => {
  const im = parseDicomImage(fixtureBytes('MR_small.dcm'), 'MR_small.dcm');
  const display = toDisplayValues(im);
  // Pixel [0,31] = 422: (422 − 599.5)/1599 + 0.5; pixel [63,61] = 1369: (1369 − 599.5)/1599 + 0.5.
  assert.ok(Math.abs(display[31] - ((422 - 599.5) / 1599 + 0.5)) < 1e-6);
  assert.ok(Math.abs(display[63 * 64 + 61] - ((1369 - 599.5) / 1599 + 0.5)) < 1e-6);
  // Below c − 0.5 − (w−1)/2 = −200 → 0; above 1399 → 1.
  const narrow = toDisplayValues(im, { center: 400, width: 101 });
  im.pixels.forEach((x, i) => {
    if (x <= 349.5) assert.equal(narrow[i], 0);
    else if (x > 449.5) assert.equal(narrow[i], 1);
    else assert.ok(Math.abs(narrow[i] - ((x - 399.5) / 100 + 0.5)) < 1e-6);
  });
});

test('CT lung window on HU values; MONOCHROME1 displays inverted', () => {
  const ct = parseDicomImage(fixtureBytes('CT_small.dcm'), 'CT_small.dcm');
  const lung = toDisplayValues(ct, { center: -600, width: 1500 });
  const last = ct.pixels.length - 1; // −115 HU
  assert.ok(Math.abs(lung[last] - ((-115 + 600.5) / 1499 + 0.5)) < 1e-6);
  const stored = new Uint16Array([0, 100, 200, 300]);
  const m1 = parseDicomImage(writeDicomImage({ rows: 2, columns: 2, storedValues: stored, modality: 'DX', photometricInterpretation: 'MONOCHROME1' }), 'm1.dcm');
  const m2 = parseDicomImage(writeDicomImage({ rows: 2, columns: 2, storedValues: stored, modality: 'DX' }), 'm2.dcm');
  const d1 = toDisplayValues(m1);
  const d2 = toDisplayValues(m2);
  // No window in the files: min..max maps to 0..1, MONOCHROME1 reversed.
  [0, 1 / 3, 2 / 3, 1].forEach((v, i) => {
    assert.ok(Math.abs(d2[i] - v) < 1e-6);
    assert.ok(Math.abs(d1[i] - (1 - v)) < 1e-6);
  });
});
