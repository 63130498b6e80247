import type { NiftiDatatype } from './types.js';

/** NIfTI datatype codes (nifti1.h DT_*) medfed reads, with their byte sizes. */
export const NIFTI_DATATYPES: Record<number, { name: NiftiDatatype; bytes: number; integer: boolean }> = {
  2: { name: 'uint8', bytes: 1, integer: true },
  4: { name: 'int16', bytes: 2, integer: true },
  8: { name: 'int32', bytes: 4, integer: true },
  16: { name: 'float32', bytes: 4, integer: false },
  64: { name: 'float64', bytes: 8, integer: false },
  256: { name: 'int8', bytes: 1, integer: true },
  512: { name: 'uint16', bytes: 2, integer: true },
  768: { name: 'uint32', bytes: 4, integer: true },
};

/** Names of codes medfed does not read, for error messages. */
export const UNSUPPORTED_DATATYPES: Record<number, string> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'RGB24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

/** Reads voxel `i` of `type` from `view` (byte offset 0 = first voxel). */
export function readVoxel(view: DataView, i: number, type: NiftiDatatype, le: boolean): number {
  switch (type) {
    case 'uint8':
      return view.getUint8(i);
    case 'int8':
      return view.getInt8(i);
    case 'int16':
      return view.getInt16(2 * i, le);
    case 'uint16':
      return view.getUint16(2 * i, le);
    case 'int32':
      return view.getInt32(4 * i, le);
    case 'uint32':
      return view.getUint32(4 * i, le);
    case 'float32':
      return view.getFloat32(4 * i, le);
    case 'float64':
      return view.getFloat64(8 * i, le);
  }
}
