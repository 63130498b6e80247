import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeJpeg2000, loadJpeg2000Codec, parseDicomImage, readDicomImage } from '../../../src/connectors/dicom/index.js';
import { readDicomFile } from '../../../src/connectors/dicom/read-file.js';
import { MedfedError } from '../../../src/core/errors.js';
import { dicomFixtures, fixtureBytes } from './fixture-path.js';

interface OpenJpegEncoder {
  getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean; isUsingColorTransform: boolean }): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setQuality(lossless: boolean, quality: number): void;
  encode(): void;
  delete(): void;
}

/** A lossless JPEG 2000 codestream of `values` (signed 16-bit), from OpenJPEG's encoder. */
async function encodeLossless(values: Int16Array, width: number, height: number): Promise<Uint8Array> {
  const m = (await import('@cornerstonejs/codec-openjpeg/wasmjs' as string)) as { default: (o: object) => Promise<{ J2KEncoder: new () => OpenJpegEncoder }> };
  const oj = await m.default({ print: () => undefined, printErr: () => undefined });
  const enc = new oj.J2KEncoder();
  try {
    const input = enc.getDecodedBuffer({ width, height, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false });
    input.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    enc.setQuality(true, 0);
    enc.encode();
    return enc.getEncodedBuffer().slice();
  } finally {
    enc.delete();
  }
}

test('JPEG2000.dcm (irreversible JPEG 2000, 1.2.840.10008.1.2.4.91) decodes to the 1024×256 signed 16-bit NM image', async () => {
  const im = await readDicomFile(join(dicomFixtures, 'JPEG2000.dcm'));
  // pydicom / pylibjpeg-openjpeg reference table: JPEG2000.dcm is (1024, 256, 1 sample, 16 bits, signed).
  assert.equal(im.rows, 1024);
  assert.equal(im.columns, 256);
  assert.equal(im.meta.transferSyntax, '1.2.840.10008.1.2.4.91');
  assert.equal(im.meta.pixelRepresentation, 1);
  // The same acquisition stored losslessly (pydicom's JPEG-LL.dcm) has 227 at [420, 140] and 105 at
  // [230, 120] ("manually identified in Osirix", pydicom test_gdcm_pixel_data.py). This file is
  // lossy (ImageComments "JPEG 2000 irreversible (lossy)"), so the values must be near, not equal.
  const at = (r: number, c: number) => im.pixels[r * im.columns + c];
  assert.ok(Math.abs(at(420, 140) - 227) <= 12, `[420,140] = ${at(420, 140)}`);
  assert.ok(Math.abs(at(230, 120) - 105) <= 12, `[230,120] = ${at(230, 120)}`);
  // Nuclear-medicine counts: a dark background and a bright body, never a garbage 16-bit range.
  let min = Infinity;
  let max = -Infinity;
  for (const v of im.pixels) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(min > -100 && max < 400 && max > 200, `range ${min}..${max}`);
});

test('a lossless JPEG 2000 codestream of MR_small decodes to exactly the uncompressed pixel values', async () => {
  const mr = parseDicomImage(fixtureBytes('MR_small.dcm'), 'MR_small.dcm');
  const codestream = await encodeLossless(Int16Array.from(mr.pixels), 64, 64);
  assert.ok(codestream.length < 64 * 64 * 2, 'compressed');
  await loadJpeg2000Codec();
  const frame = decodeJpeg2000(codestream, 'MR_small.j2k');
  assert.deepEqual([frame.width, frame.height, frame.components, frame.signed], [64, 64, 1, true]);
  assert.deepEqual(Array.from(frame.samples), Array.from(mr.pixels));
});

test('damaged JPEG 2000 pixel data give DATA_INVALID naming the file, never pixels', async () => {
  const bytes = fixtureBytes('JPEG2000.dcm').slice();
  // The codestream starts with SOC (FF 4F) then SIZ (FF 51); break the SIZ marker.
  let soc = -1;
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0x4f && bytes[i + 2] === 0xff && bytes[i + 3] === 0x51) {
      soc = i;
      break;
    }
  }
  assert.ok(soc > 0, 'the fixture holds a JPEG 2000 codestream');
  bytes.fill(0, soc + 2, soc + 40);
  await assert.rejects(
    () => readDicomImage(bytes, 'broken-j2k.dcm'),
    (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_DATA_INVALID' && /broken-j2k\.dcm/.test(e.message) && /JPEG 2000/.test(e.message),
  );
});
