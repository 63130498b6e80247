import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const niftiFixtures = join(root, 'test/fixtures/imaging/nifti');
/** The large Colin27 volumes live in data/imaging (see test/fixtures/imaging/README.md). */
export const imagingData = join(root, 'data/imaging');

export function fileBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** The uncompressed file, inflated with node:zlib (independent of the connector's gunzip). */
export function rawNifti(path: string): DataView {
  const bytes = readFileSync(path);
  const raw = path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

export function missing(path: string): string | false {
  return existsSync(path) ? false : `${path} is absent (large volume kept in data/imaging; copy ch2.nii.gz / aal.nii.gz there from the mricron-data package)`;
}
