/** Types of the NIfTI connector. */

export type NiftiDatatype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** A 4×4 row-major matrix mapping voxel indices (i, j, k, 1) to world mm (NIfTI RAS+). */
export type Affine = [number[], number[], number[], number[]];

export interface NiftiVolume {
  /** 1 or 2 (header format). */
  version: 1 | 2;
  /** Sizes of the used dimensions: [nx, ny, nz] or [nx, ny, nz, nt, ...]. */
  dims: number[];
  /** |pixdim| of the used dimensions: voxel size in the header's units (mm for space, s for time, usually). */
  spacing: number[];
  /** Voxel → world transform: the sform when sform_code > 0, else the qform when qform_code > 0, else diag(pixdim). */
  affine: Affine;
  affineSource: 'sform' | 'qform' | 'pixdim';
  /** Axis codes of i, j, k: the world direction each index increases toward (nibabel's aff2axcodes), e.g. "RAS", "LAS". */
  orientation: string;
  datatype: NiftiDatatype;
  littleEndian: boolean;
  /** scl_slope / scl_inter as applied (slope 1, intercept 0 when the header has slope 0 = no scaling). */
  scaling: { slope: number; intercept: number };
  /** 'labels': integer label volume kept exact in Int32Array; 'intensity': scaled Float32Array. */
  kind: 'intensity' | 'labels';
  /** Voxels, index = i + nx·(j + ny·(k + nz·t)). */
  data: Float32Array | Int32Array;
  /** NIfTI intent_code (1002 = label volume). */
  intentCode: number;
  description: string;
}
