import { readDataBytes } from '../../node/read-data-file.js';
import { parseLabelTable, type AtlasLabel } from './labels.js';
import { parseNifti, type NiftiReadOptions } from './parse.js';
import type { NiftiVolume } from './types.js';

const bytesOf = readDataBytes;

/** Node only: reads a .nii or .nii.gz file. */
export async function readNiftiFile(path: string, options: NiftiReadOptions = {}): Promise<NiftiVolume> {
  return parseNifti(await bytesOf(path), path, options);
}

/** Node only: reads an atlas label table such as aal.nii.txt. */
export async function readLabelTableFile(path: string): Promise<AtlasLabel[]> {
  return parseLabelTable(new TextDecoder().decode(await bytesOf(path)), path);
}
