/** DICOM connector: isomorphic parsing and writing; Node file reading is in read-file.ts. */
export type { DicomImage, DicomMeta, DicomVolume } from './types.js';
export { parseDicomImage, readDicomImage } from './read-image.js';
export { loadJpeg2000Codec, decodeJpeg2000, type Jpeg2000Frame } from './jpeg2000.js';
export { parseDicomBytes, type ParsedDicom } from './parse-dataset.js';
export { toDisplayValues, type DisplayWindow } from './window.js';
export { dicomSeriesToVolume, type SeriesOptions } from './series.js';
export { writeDicomImage, type DicomWriteInput } from './write.js';
export { decodeRleFrame } from './rle.js';
export { transferSyntaxInfo, type TransferSyntaxInfo } from './transfer-syntax.js';
