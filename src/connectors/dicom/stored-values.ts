/** How stored pixel values are packed (Image Pixel module, PS3.3 C.7.6.3). */
export interface PixelLayout {
  rows: number;
  columns: number;
  frames: number;
  bitsAllocated: 1 | 8 | 16 | 32;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  littleEndian: boolean;
}

/** Bytes the native (uncompressed) pixel data of `frames` frames must hold. */
export function nativeByteLength(layout: PixelLayout, frames = layout.frames): number {
  return Math.ceil((layout.rows * layout.columns * frames * layout.bitsAllocated) / 8);
}

/**
 * Decodes native pixel bytes into stored values: reads each BitsAllocated-wide sample in the
 * file's byte order, keeps bits highBit-bitsStored+1 .. highBit (discarding overlay or garbage
 * bits above), and sign-extends from bit bitsStored-1 when PixelRepresentation is 1.
 * BitsAllocated 1 is bit-packed, least significant bit first (PS3.5 §8.1.1), across frames.
 * Writes `count` values into `out` starting at `outOffset`.
 */
export function decodeStoredValues(bytes: Uint8Array, layout: PixelLayout, count: number, out: Float32Array, outOffset: number): void {
  if (layout.bitsAllocated === 1) {
    for (let i = 0; i < count; i++) out[outOffset + i] = (bytes[i >> 3] >> (i & 7)) & 1;
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = layout.littleEndian;
  const shift = layout.highBit + 1 - layout.bitsStored;
  const range = 2 ** layout.bitsStored;
  const half = range / 2;
  const width = layout.bitsAllocated / 8;
  for (let i = 0; i < count; i++) {
    const at = i * width;
    const code = width === 1 ? bytes[at] : width === 2 ? view.getUint16(at, le) : view.getUint32(at, le);
    let v = Math.floor(code / 2 ** shift) % range;
    if (layout.signed && v >= half) v -= range;
    out[outOffset + i] = v;
  }
}
