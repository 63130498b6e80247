import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readDataBytes } from '../../node/read-data-file.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { readDicomImage } from './read-image.js';
import { dicomSeriesToVolume, type SeriesOptions } from './series.js';
import type { DicomImage, DicomVolume } from './types.js';

/** Node only: the bytes of a file, or DATA_UNREADABLE naming it. */
export const readBinaryFile = readDataBytes;

/** Node only: reads one DICOM image file. */
export async function readDicomFile(path: string): Promise<DicomImage> {
  return readDicomImage(await readBinaryFile(path), path);
}

/**
 * Node only: reads every regular file in `dir` (sorted by name; hidden files and DICOMDIR
 * skipped) as a DICOM image of one series and stacks them (dicomSeriesToVolume).
 */
export async function readDicomSeriesDir(dir: string, options: SeriesOptions = {}): Promise<DicomVolume> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.') && n.toUpperCase() !== 'DICOMDIR').sort();
  } catch (e) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `DICOM series folder ${dir} cannot be listed`, { where: dir, cause: e });
  }
  const images: DicomImage[] = [];
  for (const n of names) {
    const p = join(dir, n);
    if ((await stat(p)).isFile()) images.push(await readDicomFile(p));
  }
  return dicomSeriesToVolume(images, { name: dir, ...options });
}
