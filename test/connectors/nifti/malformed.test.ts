import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseNifti } from '../../../src/connectors/nifti/index.js';
import { MedfedError } from '../../../src/core/errors.js';
import { buildNifti1 } from './build-nifti.js';
import { fileBytes, niftiFixtures } from './fixture-path.js';

function expectError(bytes: Uint8Array, reason: RegExp): void {
  assert.throws(() => parseNifti(bytes, 'bad.nii'), (e: unknown) => {
    assert.ok(e instanceof MedfedError, `expected MedfedError, got ${String(e)}`);
    assert.match(e.code, /MEDFED_ERR_DATA_(INVALID|UNREADABLE)/);
    assert.ok(e.message.startsWith('bad.nii'), e.message);
    assert.match(e.message, reason);
    return true;
  });
}

const good = () => buildNifti1({ dims: [4, 4, 4], datatype: 4, bitpix: 16, values: new Array(64).fill(3) });

test('truncated header, wrong sizeof_hdr, wrong magic, .hdr/.img pair', () => {
  expectError(good().slice(0, 200), /header is truncated: 200 bytes, a NIfTI-1 header has 348/);
  const wrongSize = good();
  new DataView(wrongSize.buffer).setInt32(0, 349, true);
  expectError(wrongSize, /sizeof_hdr is 349 .* expected 348 \(NIfTI-1\) or 540/);
  const wrongMagic = good();
  wrongMagic.set([0x78, 0x79, 0x7a, 0], 344);
  expectError(wrongMagic, /magic string is "xyz", expected "n\+1"/);
  const pair = good();
  pair.set([0x6e, 0x69, 0x31, 0], 344);
  expectError(pair, /\.hdr\/\.img pair/);
  expectError(new TextEncoder().encode('not an image at all, just some text that is long enough'), /not a NIfTI file/);
  assert.throws(() => parseNifti(new Uint8Array(0), 'empty.nii'), /empty\.nii is empty/);
});

test('truncated image data (plain and gzip) and a cut gzip stream', () => {
  expectError(good().slice(0, 352 + 100), /image data are truncated: 4×4×4 int16 voxels need 128 bytes from offset 352, the file has 100/);
  expectError(new Uint8Array(gzipSync(good().slice(0, 400))), /image data are truncated/);
  const gz = fileBytes(join(niftiFixtures, 'example4d.nii.gz'));
  expectError(gz.slice(0, gz.length >> 1), /(gzip stream is corrupt or truncated|image data are truncated)/);
});

test('unsupported datatype and bad dims are named', () => {
  const rgb = good();
  new DataView(rgb.buffer).setInt16(70, 128, true);
  expectError(rgb, /datatype 128 \(RGB24\) is not supported/);
  const zeroDim = good();
  new DataView(zeroDim.buffer).setInt16(44, 0, true);
  expectError(zeroDim, /dim\[2\] is 0/);
  const dim0 = good();
  new DataView(dim0.buffer).setInt16(40, 9, true);
  expectError(dim0, /dim\[0\] is 9, expected 1\.\.7/);
});
