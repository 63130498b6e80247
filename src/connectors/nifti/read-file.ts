import { readFile } from 'node:fs/promises';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { parseLabelTable, type AtlasLabel } from './labels.js';
import { parseNifti, type NiftiReadOptions } from './parse.js';
import type { NiftiVolume } from './types.js';

async function bytesOf(path: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `${path} ${why}`, { where: path, cause: e });
  }
}

/** Node only: reads a .nii or .nii.gz file. */
export async function readNiftiFile(path: string, options: NiftiReadOptions = {}): Promise<NiftiVolume> {
  return parseNifti(await bytesOf(path), path, options);
}

/** Node only: reads an atlas label table such as aal.nii.txt. */
export async function readLabelTableFile(path: string): Promise<AtlasLabel[]> {
  return parseLabelTable(new TextDecoder().decode(await bytesOf(path)), path);
}
