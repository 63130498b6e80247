import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRleFrame } from '../../../src/connectors/dicom/index.js';
import { MedfedError } from '../../../src/core/errors.js';

/** A 64-byte RLE header (PS3.5 G.5) with the given segment offsets, then the segment bytes. */
function rleFrame(segments: number[][]): Uint8Array {
  const total = 64 + segments.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, segments.length, true);
  let at = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + 4 * i, at, true);
    out.set(s, at);
    at += s.length;
  });
  return out;
}

test('PackBits runs: literal (n ≥ 0), replicate (−1..−127) and no-op (−128), by hand', () => {
  // 8-bit, 10 pixels: literal [1,2,3] (n=2), replicate 9 five times (n=-4), no-op, literal [7,8] (n=1).
  const seg = [2, 1, 2, 3, 0xfc, 9, 0x80, 1, 7, 8];
  const out = decodeRleFrame(rleFrame([seg]), 10, 1, 1, 't');
  assert.deepEqual(Array.from(out), [1, 2, 3, 9, 9, 9, 9, 9, 7, 8]);
});

test('16-bit: segment 1 holds the high bytes, segment 2 the low bytes (output little endian)', () => {
  // Pixels 0x0102, 0x0304, 0xFFFE: high bytes [01, 03, FF], low bytes [02, 04, FE], each one literal run.
  const out = decodeRleFrame(rleFrame([[2, 0x01, 0x03, 0xff], [2, 0x02, 0x04, 0xfe]]), 3, 2, 1, 't');
  const view = new DataView(out.buffer);
  assert.deepEqual([0, 1, 2].map((i) => view.getUint16(2 * i, true)), [0x0102, 0x0304, 0xfffe]);
});

test('damaged RLE: wrong segment count, short segment, short header → DATA_INVALID', () => {
  const isData = (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_DATA_INVALID';
  assert.throws(() => decodeRleFrame(rleFrame([[0, 1]]), 1, 2, 1, 'f'), (e: unknown) => isData(e) && /lists 1 segments but .* need 2/.test((e as Error).message));
  assert.throws(() => decodeRleFrame(rleFrame([[0xfe, 5]]), 10, 1, 1, 'f'), (e: unknown) => isData(e) && /decodes to 3 bytes, the image needs 10/.test((e as Error).message));
  assert.throws(() => decodeRleFrame(rleFrame([[5, 1, 2]]), 6, 1, 1, 'f'), /ends inside a literal run/);
  assert.throws(() => decodeRleFrame(new Uint8Array(10), 1, 1, 1, 'f'), /shorter than its 64-byte header/);
});
