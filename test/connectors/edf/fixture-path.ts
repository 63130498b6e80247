import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const signalFixtures = join(root, 'test/fixtures/signals');
export const EDF = join(signalFixtures, 'eeg_motor_imagery_sample.edf');
export const GDF = join(signalFixtures, 'eeg_motor_imagery_sample.gdf');
export const MITBIH = join(signalFixtures, 'mitbih_record208_mlii_360hz.csv');

export function fileBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** Writes `bytes` to a new temp dir under `name`; returns the path (for tests of the Node readers). */
export function tempCopy(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'medfed-signals-')), name);
  writeFileSync(path, bytes);
  return path;
}

/** An ASCII header field, read straight from the bytes (independent of the reader). */
export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return Buffer.from(bytes.subarray(offset, offset + length)).toString('latin1').trim();
}

/** Overwrites an ASCII field (space-padded) in a copy of `bytes`. */
export function withField(bytes: Uint8Array, offset: number, length: number, value: string): Uint8Array {
  const out = bytes.slice();
  out.set(Buffer.from(value.padEnd(length, ' ').slice(0, length), 'latin1'), offset);
  return out;
}
