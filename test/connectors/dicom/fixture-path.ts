import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/fixtures/imaging/dicom (tests run from dist/test/connectors/dicom). */
export const dicomFixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/imaging/dicom');

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dicomFixtures, name)));
}

/** Index of the (7FE0,0010) Pixel Data value in an explicit VR little endian file, found by scanning the raw bytes. */
export function explicitLePixelDataOffset(bytes: Uint8Array): { offset: number; length: number } {
  for (let i = bytes.length - 12; i >= 0; i--) {
    if (bytes[i] === 0xe0 && bytes[i + 1] === 0x7f && bytes[i + 2] === 0x10 && bytes[i + 3] === 0x00 && bytes[i + 4] === 0x4f) {
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      return { offset: i + 12, length: view.getUint32(i + 8, true) };
    }
  }
  throw new Error('no pixel data tag');
}
