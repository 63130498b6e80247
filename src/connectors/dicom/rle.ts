import { ErrorCodes, MedfedError } from '../../core/errors.js';

/**
 * RLE Lossless decoder (DICOM PS3.5 Annex G). One frame is a 64-byte header (number of
 * segments, then 15 little-endian 32-bit segment offsets) followed by PackBits-coded segments.
 * Segment s holds byte s of every sample counted from the most significant byte
 * (G.2: "the most significant byte of each pixel sample is in the first segment").
 * Returns the frame as little-endian native pixel bytes (samples in order, each
 * `bytesPerSample` long), so the native decoder can read them.
 */
export function decodeRleFrame(frame: Uint8Array, pixelCount: number, bytesPerSample: number, samplesPerPixel: number, where: string): Uint8Array {
  if (frame.length < 64) throw rleError(where, `the RLE frame has ${frame.length} bytes, shorter than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const expected = bytesPerSample * samplesPerPixel;
  if (segments !== expected) {
    throw rleError(where, `the RLE header lists ${segments} segments but BitsAllocated and SamplesPerPixel need ${expected}`);
  }
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  const out = new Uint8Array(pixelCount * expected);
  for (let s = 0; s < segments; s++) {
    const start = offsets[s];
    const end = s + 1 < segments ? offsets[s + 1] : frame.length;
    if (start < 64 || end > frame.length || end < start) throw rleError(where, `RLE segment ${s} has an invalid offset ${start}`);
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    unpackSegment(frame, start, end, out, sample * bytesPerSample + byteInSample, expected, pixelCount, where, s);
  }
  return out;
}

/** PackBits: header n in 0..127 copies n+1 literal bytes, -1..-127 repeats the next byte 1-n times, -128 is skipped. */
function unpackSegment(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  first: number,
  stride: number,
  count: number,
  where: string,
  segment: number,
): void {
  let p = start;
  let written = 0;
  while (p < end && written < count) {
    const n = (src[p++] << 24) >> 24;
    if (n >= 0) {
      const len = n + 1;
      if (p + len > end) throw rleError(where, `RLE segment ${segment} ends inside a literal run`);
      for (let i = 0; i < len && written < count; i++) out[first + stride * written++] = src[p + i];
      p += len;
    } else if (n !== -128) {
      if (p >= end) throw rleError(where, `RLE segment ${segment} ends before a repeated byte`);
      const value = src[p++];
      for (let i = 0; i < 1 - n && written < count; i++) out[first + stride * written++] = value;
    }
  }
  if (written < count) throw rleError(where, `RLE segment ${segment} decodes to ${written} bytes, the image needs ${count}`);
}

function rleError(where: string, message: string): MedfedError {
  return new MedfedError(ErrorCodes.DATA_INVALID, `${where}: ${message}`, {
    where,
    hint: 'the RLE-compressed pixel data are damaged; re-export the image',
  });
}
