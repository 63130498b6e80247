import { DicomAttributes } from './attributes.js';
import { parseDicomBytes, type ParsedDicom } from './parse-dataset.js';
import { loadJpeg2000Codec } from './jpeg2000.js';
import { decodePixelData } from './pixel-data.js';
import type { PixelLayout } from './stored-values.js';
import type { DicomImage, DicomMeta } from './types.js';

/**
 * Reads one DICOM image from its bytes (isomorphic): Part 10 files and bare data sets in
 * implicit/explicit VR little endian, explicit VR big endian, RLE Lossless and JPEG 2000 (after
 * `loadJpeg2000Codec()`; `readDicomImage` does that itself); BitsAllocated
 * 1/8/16/32, signed or unsigned, BitsStored masking, single- or multi-frame, MONOCHROME1/2.
 * Pixels are modality values (RescaleSlope·stored + RescaleIntercept). Throws MedfedError
 * DATA_INVALID / DATA_UNREADABLE naming `fileName` and what is wrong.
 */
export function parseDicomImage(bytes: Uint8Array | ArrayBuffer, fileName: string): DicomImage {
  const parsed = parseDicomBytes(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), fileName);
  return imageFromParsed(parsed, fileName);
}

/**
 * Like parseDicomImage, and loads the codec first when the pixel data need one (JPEG 2000).
 * Isomorphic; the way to read a DICOM image whose transfer syntax is not known in advance.
 */
export async function readDicomImage(bytes: Uint8Array | ArrayBuffer, fileName: string): Promise<DicomImage> {
  const parsed = parseDicomBytes(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), fileName);
  if (parsed.transferSyntax.pixels === 'jpeg2000') await loadJpeg2000Codec();
  return imageFromParsed(parsed, fileName);
}

export function imageFromParsed(parsed: ParsedDicom, fileName: string): DicomImage {
  const a = new DicomAttributes(parsed.dataSet, fileName);
  if (!a.has('7FE0,0010')) {
    const what = a.text('0008,0060') || 'non-image';
    throw a.invalid('7FE0,0010', `has no Pixel Data (7FE0,0010): it is not an image (Modality ${what})`, 'structured reports, RT structures and plans, and waveforms cannot be read as images');
  }
  const layout = readLayout(a, parsed.transferSyntax.littleEndian);
  const photometric = a.text('0028,0004') || 'MONOCHROME2';
  if (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2') {
    throw a.invalid('0028,0004', `PhotometricInterpretation is ${photometric}; only greyscale MONOCHROME1/MONOCHROME2 images are supported`);
  }
  const samples = a.us('0028,0002') ?? 1;
  if (samples !== 1) throw a.invalid('0028,0002', `SamplesPerPixel is ${samples}; only single-sample (greyscale) images are supported`);
  if (a.has('0028,3000') && !a.has('0028,1053')) {
    throw a.invalid('0028,3000', 'the image uses a Modality LUT Sequence, which medfed does not apply', 'convert it to RescaleSlope/Intercept');
  }
  const slope = a.decimal('0028,1053', 'RescaleSlope') ?? 1;
  const intercept = a.decimal('0028,1052', 'RescaleIntercept') ?? 0;
  const pixels = decodePixelData(parsed, layout, fileName);
  if (slope !== 1 || intercept !== 0) for (let i = 0; i < pixels.length; i++) pixels[i] = pixels[i] * slope + intercept;

  const pixelSpacing = a.decimals('0028,0030', 'PixelSpacing', 2);
  const imagerSpacing = pixelSpacing ? undefined : a.decimals('0018,1164', 'ImagerPixelSpacing', 2);
  const inPlane = pixelSpacing ?? imagerSpacing;
  const sliceThickness = a.decimal('0018,0050', 'SliceThickness');
  const spacingBetweenSlices = a.decimal('0018,0088', 'SpacingBetweenSlices');
  const orientation = a.decimals('0020,0037', 'ImageOrientationPatient', 6) as DicomImage['orientation'];
  const position = a.decimals('0020,0032', 'ImagePositionPatient', 3) as DicomImage['position'];
  const windowCenter = a.decimal('0028,1050', 'WindowCenter');
  const windowWidth = a.decimal('0028,1051', 'WindowWidth');

  const meta: DicomMeta = {
    modality: a.text('0008,0060'),
    manufacturer: a.text('0008,0070'),
    manufacturerModelName: a.text('0008,1090'),
    institutionName: a.text('0008,0080'),
    stationName: a.text('0008,1010'),
    transferSyntax: parsed.transferSyntax.uid,
    transferSyntaxName: parsed.transferSyntax.name,
    photometricInterpretation: photometric,
    bitsAllocated: layout.bitsAllocated,
    bitsStored: layout.bitsStored,
    highBit: layout.highBit,
    pixelRepresentation: layout.signed ? 1 : 0,
    rescaleSlope: slope,
    rescaleIntercept: intercept,
    rescaleType: a.text('0028,1054'),
    windowCenter,
    windowWidth,
    instanceNumber: a.integer('0020,0013', 'InstanceNumber'),
    sliceThickness,
    spacingBetweenSlices,
    spacingSource: pixelSpacing ? 'PixelSpacing' : imagerSpacing ? 'ImagerPixelSpacing' : 'none',
    sopClassUid: a.text('0008,0016'),
    sopInstanceUid: a.text('0008,0018'),
    seriesInstanceUid: a.text('0020,000E'),
    studyInstanceUid: a.text('0020,000D'),
    patientId: a.text('0010,0020'),
    seriesDescription: a.text('0008,103E'),
    imageComments: a.text('0020,4000'),
    hasFileMeta: parsed.hasFileMeta,
  };
  return {
    rows: layout.rows,
    columns: layout.columns,
    frames: layout.frames,
    pixels,
    // PixelSpacing is (row spacing = between rows, column spacing = between columns).
    spacing: [inPlane ? inPlane[1] : 1, inPlane ? inPlane[0] : 1, spacingBetweenSlices ?? sliceThickness ?? 1],
    orientation,
    position,
    meta,
  };
}

function readLayout(a: DicomAttributes, littleEndian: boolean): PixelLayout {
  const rows = a.requiredUs('0028,0010', 'Rows');
  const columns = a.requiredUs('0028,0011', 'Columns');
  if (rows === 0 || columns === 0) throw a.invalid('0028,0010', `the image is ${rows}×${columns}: Rows and Columns must be positive`);
  const bitsAllocated = a.requiredUs('0028,0100', 'BitsAllocated');
  if (bitsAllocated !== 1 && bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw a.invalid('0028,0100', `BitsAllocated is ${bitsAllocated}; supported are 1, 8, 16 and 32`);
  }
  const bitsStored = a.us('0028,0101') ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw a.invalid('0028,0101', `BitsStored is ${bitsStored} with BitsAllocated ${bitsAllocated}: it must be 1..${bitsAllocated}`);
  }
  const highBit = a.us('0028,0102') ?? bitsStored - 1;
  if (highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw a.invalid('0028,0102', `HighBit is ${highBit} with BitsStored ${bitsStored} and BitsAllocated ${bitsAllocated}`);
  }
  const representation = a.us('0028,0103') ?? 0;
  if (representation !== 0 && representation !== 1) throw a.invalid('0028,0103', `PixelRepresentation is ${representation}, expected 0 or 1`);
  const frames = a.integer('0028,0008', 'NumberOfFrames') ?? 1;
  if (frames < 1) throw a.invalid('0028,0008', `NumberOfFrames is ${frames}, expected at least 1`);
  return { rows, columns, frames, bitsAllocated, bitsStored, highBit, signed: representation === 1, littleEndian };
}
