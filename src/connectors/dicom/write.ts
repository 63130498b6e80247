import dcmjs from 'dcmjs';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntax.js';

/** What writeDicomImage needs: stored pixel values plus the attributes a reader uses. */
export interface DicomWriteInput {
  rows: number;
  columns: number;
  /** Stored values, frame-major then row-major; the typed array sets BitsAllocated and signedness. */
  storedValues: Uint8Array | Uint16Array | Int16Array;
  frames?: number;
  /** Default: 8 for Uint8Array, 16 otherwise; values must fit. */
  bitsStored?: number;
  /** e.g. "CR", "DX", "CT", "MR"; also sets the SOP Class (Secondary Capture for others). */
  modality: string;
  photometricInterpretation?: 'MONOCHROME1' | 'MONOCHROME2';
  rescaleSlope?: number;
  rescaleIntercept?: number;
  rescaleType?: string;
  windowCenter?: number;
  windowWidth?: number;
  /** mm, [between rows, between columns] as in DICOM PixelSpacing. */
  pixelSpacing?: [number, number];
  /** mm at the detector (projection radiography). */
  imagerPixelSpacing?: [number, number];
  imagePositionPatient?: [number, number, number];
  imageOrientationPatient?: [number, number, number, number, number, number];
  sliceThickness?: number;
  instanceNumber?: number;
  manufacturer?: string;
  manufacturerModelName?: string;
  institutionName?: string;
  stationName?: string;
  patientId?: string;
  seriesDescription?: string;
  imageComments?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  /** Default "explicit-le". */
  transferSyntax?: 'explicit-le' | 'implicit-le';
}

const SOP_CLASS: Record<string, string> = {
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1',
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
};
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/**
 * Writes a greyscale DICOM Part 10 file (with dcmjs) holding `input.storedValues` as native
 * pixel data. Isomorphic; returns the file bytes. Read it back with parseDicomImage.
 */
export function writeDicomImage(input: DicomWriteInput): Uint8Array {
  const frames = input.frames ?? 1;
  const count = input.rows * input.columns * frames;
  const fail = (message: string): never => {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `writeDicomImage: ${message}`, { where: 'writeDicomImage' });
  };
  if (!(input.rows > 0 && input.columns > 0 && frames > 0)) fail(`rows, columns and frames must be positive (got ${input.rows}, ${input.columns}, ${frames})`);
  if (input.storedValues.length !== count) fail(`storedValues has ${input.storedValues.length} values, rows×columns×frames is ${count}`);
  const bitsAllocated = input.storedValues instanceof Uint8Array ? 8 : 16;
  const signed = input.storedValues instanceof Int16Array;
  const bitsStored = input.bitsStored ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) fail(`bitsStored ${bitsStored} does not fit BitsAllocated ${bitsAllocated}`);
  const lo = signed ? -(2 ** (bitsStored - 1)) : 0;
  const hi = signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
  for (let i = 0; i < count; i++) {
    const v = input.storedValues[i];
    if (v < lo || v > hi) fail(`stored value ${v} at index ${i} does not fit ${bitsStored} bits (${lo}..${hi})`);
  }
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const sopClass = SOP_CLASS[input.modality] ?? SECONDARY_CAPTURE;
  const sopInstance = input.sopInstanceUid ?? DicomMetaDictionary.uid();
  const transferSyntax = input.transferSyntax === 'implicit-le' ? IMPLICIT_VR_LITTLE_ENDIAN : EXPLICIT_VR_LITTLE_ENDIAN;
  const version = new Uint8Array([0, 1]);
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: version.buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: transferSyntax,
    ImplementationClassUID: '2.25.302611536212866124466946545924935532881',
    ImplementationVersionName: 'MEDFED_0_1',
  });
  // Typed arrays use the host byte order, little endian on every platform Node and browsers run on.
  const pixelBytes = new Uint8Array(input.storedValues.buffer, input.storedValues.byteOffset, input.storedValues.byteLength).slice();
  const dataset: Record<string, unknown> = {
    SOPClassUID: sopClass,
    SOPInstanceUID: sopInstance,
    StudyInstanceUID: input.studyInstanceUid ?? DicomMetaDictionary.uid(),
    SeriesInstanceUID: input.seriesInstanceUid ?? DicomMetaDictionary.uid(),
    Modality: input.modality,
    PatientID: input.patientId ?? '',
    SamplesPerPixel: 1,
    PhotometricInterpretation: input.photometricInterpretation ?? 'MONOCHROME2',
    Rows: input.rows,
    Columns: input.columns,
    BitsAllocated: bitsAllocated,
    BitsStored: bitsStored,
    HighBit: bitsStored - 1,
    PixelRepresentation: signed ? 1 : 0,
    PixelData: [pixelBytes.buffer],
    _vrMap: { PixelData: bitsAllocated === 8 ? 'OB' : 'OW' },
  };
  const optional: Record<string, unknown> = {
    NumberOfFrames: frames > 1 ? String(frames) : undefined,
    RescaleSlope: input.rescaleSlope,
    RescaleIntercept: input.rescaleIntercept,
    RescaleType: input.rescaleType,
    WindowCenter: input.windowCenter,
    WindowWidth: input.windowWidth,
    PixelSpacing: input.pixelSpacing,
    ImagerPixelSpacing: input.imagerPixelSpacing,
    ImagePositionPatient: input.imagePositionPatient,
    ImageOrientationPatient: input.imageOrientationPatient,
    SliceThickness: input.sliceThickness,
    InstanceNumber: input.instanceNumber,
    Manufacturer: input.manufacturer,
    ManufacturerModelName: input.manufacturerModelName,
    InstitutionName: input.institutionName,
    StationName: input.stationName,
    SeriesDescription: input.seriesDescription,
    ImageComments: input.imageComments,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) dataset[k] = v;
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}
