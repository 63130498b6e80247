import * as nifti from 'nifti-reader-js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { orientationCode, qformAffine } from './affine.js';
import { NIFTI_DATATYPES, UNSUPPORTED_DATATYPES, readVoxel } from './datatypes.js';
import type { Affine, NiftiVolume } from './types.js';

export interface NiftiReadOptions {
  /**
   * true: read as an integer label volume (Int32Array, exact; refuses float data or scaling).
   * false: intensities (Float32Array, scaled). Default: labels when intent_code is 1002 (NIFTI_INTENT_LABEL).
   */
  labels?: boolean;
}

/**
 * Reads a NIfTI-1 or NIfTI-2 single-file image (.nii or gzip-compressed .nii.gz) from its bytes.
 * Isomorphic. Handles either byte order, datatypes uint8/int8/int16/uint16/int32/uint32/float32/
 * float64, scl_slope/scl_inter, 3D to 7D. Throws MedfedError DATA_INVALID naming `fileName` for
 * corrupt gzip, truncated header or data, a wrong sizeof_hdr or magic, and unsupported datatypes.
 */
export function parseNifti(input: Uint8Array | ArrayBuffer, fileName: string, options: NiftiReadOptions = {}): NiftiVolume {
  const fail = (message: string, hint?: string): never => {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName}: ${message}`, { where: fileName, hint });
  };
  let buffer: ArrayBuffer = input instanceof Uint8Array ? input.slice().buffer : input;
  if (buffer.byteLength === 0) throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `${fileName} is empty`, { where: fileName });
  if (nifti.isCompressed(buffer)) {
    try {
      buffer = nifti.decompress(buffer) as ArrayBuffer;
    } catch (e) {
      fail(`the gzip stream is corrupt or truncated (${e instanceof Error ? e.message : String(e)})`, 'copy the .nii.gz again; `gzip -t` checks it');
    }
  }
  const view = new DataView(buffer);
  if (buffer.byteLength < 4) fail(`${buffer.byteLength} bytes is too short for a NIfTI header (348 bytes for NIfTI-1)`);
  const sizeLe = view.getInt32(0, true);
  const sizeBe = view.getInt32(0, false);
  const headerSize = sizeLe === 348 || sizeBe === 348 ? 348 : sizeLe === 540 || sizeBe === 540 ? 540 : 0;
  if (headerSize === 0) {
    fail(`not a NIfTI file: sizeof_hdr is ${sizeLe} (little endian) / ${sizeBe} (big endian), expected 348 (NIfTI-1) or 540 (NIfTI-2)`);
  }
  const version = headerSize === 348 ? 1 : 2;
  if (buffer.byteLength < headerSize) fail(`the header is truncated: ${buffer.byteLength} bytes, a NIfTI-${version} header has ${headerSize}`);
  const magic = ascii(view, version === 1 ? 344 : 4, 3);
  if (magic === 'ni1' || magic === 'ni2') fail('this is the header of a .hdr/.img pair; medfed reads single-file .nii / .nii.gz', 'convert with `fslchfiletype NIFTI_GZ` or nibabel');
  if (magic !== `n+${version}`) fail(`the magic string is "${magic}", expected "n+${version}"`);

  let header: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    header = nifti.readHeader(buffer);
  } catch (e) {
    return fail(`the header cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  const le = header.littleEndian;
  const ndim = header.dims[0];
  if (!(ndim >= 1 && ndim <= 7)) fail(`dim[0] is ${ndim}, expected 1..7`);
  const dims = header.dims.slice(1, ndim + 1);
  dims.forEach((d, i) => {
    if (!(Number.isInteger(d) && d >= 1)) fail(`dim[${i + 1}] is ${d}, expected a positive integer`);
  });
  const type = NIFTI_DATATYPES[header.datatypeCode];
  if (type === undefined) {
    const known = UNSUPPORTED_DATATYPES[header.datatypeCode];
    fail(`datatype ${header.datatypeCode}${known ? ` (${known})` : ''} is not supported; supported are uint8, int8, int16, uint16, int32, uint32, float32, float64`);
  }
  const count = dims.reduce((p, d) => p * d, 1);
  const offset = Number(header.vox_offset);
  if (!(Number.isInteger(offset) && offset >= headerSize)) fail(`vox_offset is ${offset}, expected an integer ≥ ${headerSize}`);
  const needed = count * type.bytes;
  if (offset + needed > buffer.byteLength) {
    fail(`the image data are truncated: ${dims.join('×')} ${type.name} voxels need ${needed} bytes from offset ${offset}, the file has ${Math.max(0, buffer.byteLength - offset)}`);
  }
  const slopeRaw = header.scl_slope;
  const scaled = Number.isFinite(slopeRaw) && slopeRaw !== 0;
  const slope = scaled ? slopeRaw : 1;
  const intercept = scaled && Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  const labels = options.labels ?? header.intent_code === 1002;
  const voxels = new DataView(buffer, offset, needed);
  let data: Float32Array | Int32Array;
  if (labels) {
    if (!type.integer) fail(`cannot read ${type.name} data as labels: label volumes must have an integer datatype`);
    if (slope !== 1 || intercept !== 0) fail(`cannot read as labels: scl_slope ${slope} / scl_inter ${intercept} would change label values`);
    data = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = readVoxel(voxels, i, type.name, le);
      if (v > 2147483647) fail(`label ${v} at voxel ${i} does not fit a 32-bit signed integer`);
      data[i] = v;
    }
  } else {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = readVoxel(voxels, i, type.name, le) * slope + intercept;
  }
  const pixdim = header.pixDims.map((p) => Number(p));
  const spacing = pixdim.slice(1, ndim + 1).map(Math.abs);
  const space = [1, 2, 3].map((i) => (i <= ndim ? Math.abs(pixdim[i]) || 1 : 1));
  let affine: Affine;
  let affineSource: NiftiVolume['affineSource'];
  if (header.sform_code > 0) {
    affine = readSrow(view, version, le);
    affineSource = 'sform';
  } else if (header.qform_code > 0) {
    affine = qformAffine(header.quatern_b, header.quatern_c, header.quatern_d, pixdim[0], [0, ...space], [header.qoffset_x, header.qoffset_y, header.qoffset_z]);
    affineSource = 'qform';
  } else {
    affine = [[space[0], 0, 0, 0], [0, space[1], 0, 0], [0, 0, space[2], 0], [0, 0, 0, 1]];
    affineSource = 'pixdim';
  }
  return {
    version,
    dims,
    spacing,
    affine,
    affineSource,
    orientation: orientationCode(affine),
    datatype: type.name,
    littleEndian: le,
    scaling: { slope, intercept },
    kind: labels ? 'labels' : 'intensity',
    data,
    intentCode: header.intent_code,
    description: header.description.replace(/\0+$/, '').trim(),
  };
}

/** srow_x/y/z: NIfTI-1 float32 at bytes 280/296/312, NIfTI-2 float64 at 400/432/464. */
function readSrow(view: DataView, version: 1 | 2, le: boolean): Affine {
  const rows: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const row: number[] = [];
    for (let c = 0; c < 4; c++) row.push(version === 1 ? view.getFloat32(280 + 16 * r + 4 * c, le) : view.getFloat64(400 + 32 * r + 8 * c, le));
    rows.push(row);
  }
  return [rows[0], rows[1], rows[2], [0, 0, 0, 1]];
}

function ascii(view: DataView, at: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(view.getUint8(at + i));
  return s.replace(/\0/g, '\\0');
}
