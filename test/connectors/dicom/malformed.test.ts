import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDicomImage } from '../../../src/connectors/dicom/index.js';
import { readDicomFile } from '../../../src/connectors/dicom/read-file.js';
import { MedfedError } from '../../../src/core/errors.js';
import { dicomFixtures, explicitLePixelDataOffset, fixtureBytes } from './fixture-path.js';

function expectDataError(fn: () => unknown, name: string, reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MedfedError, `expected a MedfedError, got ${String(e)}`);
    assert.match(e.code, /MEDFED_ERR_DATA_(INVALID|UNREADABLE)/);
    assert.ok(e.message.includes(name), `message names the file: ${e.message}`);
    assert.match(e.message, reason);
    return true;
  });
}

const malformed: Array<[string, RegExp]> = [
  ['MR_truncated.dcm', /truncated/],
  ['rtplan_truncated.dcm', /truncated/],
  // NumberOfFrames is "1A" in this RT Dose file.
  ['badVR.dcm', /NumberOfFrames \(0028,0008\) is "1A", not an integer/],
  ['meta_missing_tsyntax.dcm', /no Transfer Syntax UID \(0002,0010\)/],
  // CT_small with its file meta cut off one byte too late: a stray byte precedes the data set.
  ['no_meta.dcm', /not a DICOM file: no "DICM" marker/],
];

for (const [name, reason] of malformed) {
  test(`malformed/${name} gives a clear DATA error`, async () => {
    const path = join(dicomFixtures, 'malformed', name);
    await assert.rejects(readDicomFile(path), (e: unknown) => e instanceof MedfedError && e.message.includes(path) && reason.test(e.message));
  });
}

test('non-DICOM input: empty, text, random bytes, PNG signature', () => {
  expectDataError(() => parseDicomImage(new Uint8Array(0), 'empty.dcm'), 'empty.dcm', /is empty/);
  expectDataError(() => parseDicomImage(new TextEncoder().encode('patient,age\n1,34\n'), 'table.csv'), 'table.csv', /not a DICOM file/);
  const png = new Uint8Array(300);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expectDataError(() => parseDicomImage(png, 'scan.png'), 'scan.png', /not a DICOM file/);
});

test('pixel data cut short inside the last element → truncated, never a partial image', () => {
  const full = fixtureBytes('MR_small.dcm');
  for (const cut of [1, 2, 100, 4000]) {
    expectDataError(() => parseDicomImage(full.slice(0, full.length - cut), 'cut.dcm'), 'cut.dcm', /truncated/);
  }
});

test('a Pixel Data element shorter than Rows×Columns needs → error stating both byte counts', () => {
  const bytes = fixtureBytes('MR_small.dcm');
  const { offset, length } = explicitLePixelDataOffset(bytes);
  // Shrink the declared length by 2 bytes and drop its last 2 bytes: a well-formed file whose pixel data are short.
  const shorter = new Uint8Array(bytes.length - 2);
  shorter.set(bytes.subarray(0, offset + length - 2));
  shorter.set(bytes.subarray(offset + length), offset + length - 2);
  new DataView(shorter.buffer).setUint32(offset - 4, length - 2, true);
  expectDataError(() => parseDicomImage(shorter, 'short.dcm'), 'short.dcm', /has 8190 bytes but 1 frame\(s\) of 64×64 at 16 bits need 8192/);
});

test('a colour (PALETTE COLOR) image is refused by name', () => {
  const bytes = fixtureBytes('MR_small.dcm');
  const text = new TextDecoder('latin1').decode(bytes);
  const mono = text.indexOf('MONOCHROME2');
  const patched = bytes.slice();
  // 'MONOCHROME2 ' (value + padding) becomes 'PALETTE COLO', same length.
  patched.set(new TextEncoder().encode('PALETTE COLO'), mono);
  expectDataError(() => parseDicomImage(patched, 'pal.dcm'), 'pal.dcm', /PhotometricInterpretation is .*only greyscale/);
});
