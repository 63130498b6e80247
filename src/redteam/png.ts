import type { GreyImage } from './image-quality.js';

/**
 * A minimal greyscale PNG encoder for report thumbnails (isomorphic: no zlib). Pixel values in
 * [0, 1] become 8-bit grey, each pixel repeated `scale` x `scale` times; the zlib stream uses
 * stored (uncompressed) deflate blocks, which every PNG reader accepts.
 */
const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const v of bytes) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function chunk(type: string, data: Uint8Array): number[] {
  const body = new Uint8Array(4 + data.length);
  for (let i = 0; i < 4; i++) body[i] = type.charCodeAt(i);
  body.set(data, 4);
  return [...u32(data.length), ...body, ...u32(crc32(body))];
}

function zlibStored(raw: Uint8Array): Uint8Array {
  const out: number[] = [0x78, 0x01];
  for (let off = 0; off < raw.length || off === 0; off += 65535) {
    const len = Math.min(65535, raw.length - off);
    const last = off + len >= raw.length ? 1 : 0;
    out.push(last, len & 255, len >>> 8, ~len & 255, (~len >>> 8) & 255);
    for (let i = 0; i < len; i++) out.push(raw[off + i]);
    if (len === 0) break;
  }
  out.push(...u32(adler32(raw)));
  return Uint8Array.from(out);
}

/** PNG bytes of a greyscale image (values clamped to [0, 1]), upscaled by `scale` (nearest). */
export function encodeGreyPng(img: GreyImage, scale = 1): Uint8Array {
  const w = img.width * scale;
  const h = img.height * scale;
  const raw = new Uint8Array(h * (w + 1));
  for (let y = 0; y < h; y++) {
    raw[y * (w + 1)] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const v = img.data[Math.floor(y / scale) * img.width + Math.floor(x / scale)];
      raw[y * (w + 1) + 1 + x] = Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
    }
  }
  const header = Uint8Array.from([...u32(w), ...u32(h), 8, 0, 0, 0, 0]);
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  return Uint8Array.from([...sig, ...chunk('IHDR', header), ...chunk('IDAT', zlibStored(raw)), ...chunk('IEND', new Uint8Array(0))]);
}

/** A data: URI of the PNG, for an inline <img> in a self-contained report. */
export function greyPngDataUri(img: GreyImage, scale = 1): string {
  const bytes = encodeGreyPng(img, scale);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `data:image/png;base64,${btoa(bin)}`;
}
