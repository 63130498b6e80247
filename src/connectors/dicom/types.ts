/**
 * Types of the DICOM connector. Pixel values are modality values (stored value ×
 * RescaleSlope + RescaleIntercept: Hounsfield units for CT), frame-major
 * ([frame][row][column]). Geometry follows DICOM's patient coordinate system (LPS, mm).
 */

/** Descriptive and acquisition attributes of one DICOM image. */
export interface DicomMeta {
  modality: string;
  manufacturer: string;
  manufacturerModelName: string;
  institutionName: string;
  stationName: string;
  /** Transfer Syntax UID (0002,0010). */
  transferSyntax: string;
  /** Human-readable transfer syntax name, e.g. "Explicit VR Little Endian". */
  transferSyntaxName: string;
  photometricInterpretation: 'MONOCHROME1' | 'MONOCHROME2';
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: 0 | 1;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** (0028,1054), e.g. "HU"; "" when absent. */
  rescaleType: string;
  /** First Window Center / Width in the file, if any (modality units). */
  windowCenter?: number;
  windowWidth?: number;
  instanceNumber?: number;
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  /** Which attribute gave the in-plane spacing. */
  spacingSource: 'PixelSpacing' | 'ImagerPixelSpacing' | 'none';
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientId: string;
  seriesDescription: string;
  imageComments: string;
  /** False when the file had no Part 10 header (no "DICM" preamble): a bare data set. */
  hasFileMeta: boolean;
}

export interface DicomImage {
  rows: number;
  columns: number;
  frames: number;
  /** Modality values, length rows × columns × frames, frame-major then row-major. */
  pixels: Float32Array;
  /**
   * Voxel size in mm as [between columns (x), between rows (y), between slices (z)].
   * In-plane from PixelSpacing (or ImagerPixelSpacing), 1 when absent (see meta.spacingSource);
   * z from SpacingBetweenSlices, else SliceThickness, else 1.
   */
  spacing: [number, number, number];
  /** ImageOrientationPatient: row direction cosines then column direction cosines; undefined when absent. */
  orientation?: [number, number, number, number, number, number];
  /** ImagePositionPatient: centre of the first transmitted pixel, mm; undefined when absent. */
  position?: [number, number, number];
  meta: DicomMeta;
}

/** A series stacked into one volume, slices ordered along the slice normal. */
export interface DicomVolume {
  /** [columns, rows, slices]. */
  dims: [number, number, number];
  /** mm: [column spacing, row spacing, slice spacing (from positions)]. */
  spacing: [number, number, number];
  /** ImagePositionPatient of the first slice (after sorting), mm. */
  origin: [number, number, number];
  /** Unit vectors: along a row (increasing column), along a column (increasing row), slice normal. */
  direction: [[number, number, number], [number, number, number], [number, number, number]];
  /** Modality values, slice-major then row-major: index = x + columns·(y + rows·z). */
  voxels: Float32Array;
  /** How the slices were ordered. */
  sortedBy: 'position' | 'instanceNumber';
  /** The slice images in volume order. */
  slices: DicomImage[];
}
