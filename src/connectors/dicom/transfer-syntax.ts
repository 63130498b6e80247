/** Transfer syntaxes (PS3.5 §10 and Annex A) and what this connector can do with each. */
export interface TransferSyntaxInfo {
  uid: string;
  name: string;
  /** How pixel data are stored: native (uncompressed), rle (decoded here), jpeg2000 (OpenJPEG WASM), or a codec medfed lacks. */
  pixels: 'native' | 'rle' | 'jpeg2000' | 'unsupported';
  littleEndian: boolean;
  explicitVr: boolean;
  deflated: boolean;
}

const table: Array<[string, string, TransferSyntaxInfo['pixels'], boolean, boolean]> = [
  ['1.2.840.10008.1.2', 'Implicit VR Little Endian', 'native', true, false],
  ['1.2.840.10008.1.2.1', 'Explicit VR Little Endian', 'native', true, true],
  ['1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', 'unsupported', true, true],
  ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian', 'native', false, true],
  ['1.2.840.10008.1.2.5', 'RLE Lossless', 'rle', true, true],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'unsupported', true, true],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'unsupported', true, true],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'unsupported', true, true],
  ['1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', 'unsupported', true, true],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', 'unsupported', true, true],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless)', 'unsupported', true, true],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only)', 'jpeg2000', true, true],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000 Image Compression', 'jpeg2000', true, true],
  ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)', 'unsupported', true, true],
  ['1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)', 'unsupported', true, true],
  ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000', 'unsupported', true, true],
];

const byUid = new Map<string, TransferSyntaxInfo>(
  table.map(([uid, name, pixels, littleEndian, explicitVr]) => [
    uid,
    { uid, name, pixels, littleEndian, explicitVr, deflated: uid === '1.2.840.10008.1.2.1.99' },
  ]),
);

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
export const RLE_LOSSLESS = '1.2.840.10008.1.2.5';

/** The known transfer syntax for a UID, or undefined. Trailing NUL/space padding is ignored. */
export function transferSyntaxInfo(uid: string): TransferSyntaxInfo | undefined {
  return byUid.get(uid.replace(/[\0\s]+$/, ''));
}

/** What to install for a transfer syntax medfed cannot decode (used in error hints). */
export function codecHint(info: TransferSyntaxInfo): string {
  if (info.uid.startsWith('1.2.840.10008.1.2.4.20')) {
    return 'High-Throughput JPEG 2000 needs a codec medfed does not ship yet; convert the file to an uncompressed, RLE or JPEG 2000 transfer syntax (e.g. `gdcmconv --raw in.dcm out.dcm`)';
  }
  if (info.deflated) return 'inflate the file first (e.g. `dcmconv +te in.dcm out.dcm` from DCMTK)';
  return 'convert the file to an uncompressed transfer syntax first (e.g. `gdcmconv --raw in.dcm out.dcm` or DCMTK `dcmdjpeg`/`dcmdjpls`)';
}
