/** NIfTI connector: isomorphic parsing; Node file reading is in read-file.ts. */
export type { Affine, NiftiDatatype, NiftiVolume } from './types.js';
export { parseNifti, type NiftiReadOptions } from './parse.js';
export { orientationCode, qformAffine } from './affine.js';
export { parseLabelTable, type AtlasLabel } from './labels.js';
