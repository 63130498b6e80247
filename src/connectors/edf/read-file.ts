import { readDataBytes } from '../../node/read-data-file.js';
import { parseGdf } from './gdf.js';
import { parseEdf } from './parse.js';
import { parseSignalFile } from './detect.js';
import type { SignalRecording } from './types.js';

/** Node only: reads an EDF or EDF+ file. */
export async function readEdfFile(path: string): Promise<SignalRecording> {
  return parseEdf(await readDataBytes(path), path);
}

/** Node only: reads a GDF 1.x file. */
export async function readGdfFile(path: string): Promise<SignalRecording> {
  return parseGdf(await readDataBytes(path), path);
}

/** Node only: reads an EDF, GDF or single-column CSV signal file, told apart by content (detect.ts). */
export async function readSignalFile(path: string, options: { sampleRate?: number } = {}): Promise<SignalRecording> {
  return parseSignalFile(await readDataBytes(path), path, options);
}
