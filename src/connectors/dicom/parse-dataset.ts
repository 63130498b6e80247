import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import {
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntaxInfo,
  type TransferSyntaxInfo,
} from './transfer-syntax.js';

/** A parsed DICOM data set with the transfer syntax it was read with. */
export interface ParsedDicom {
  dataSet: DataSet;
  transferSyntax: TransferSyntaxInfo;
  /** False for a bare data set without the 128-byte preamble, "DICM" and file meta group. */
  hasFileMeta: boolean;
}

const VRS = new Set(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

function hasPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * For a file without preamble: the transfer syntax its first element looks like, or undefined
 * when the bytes are not the start of a DICOM data set. A bare data set starts with a low even
 * group (0002..0020); explicit VR little endian has two capital letters forming a VR at byte 4,
 * implicit VR little endian a 32-bit length that fits the file.
 */
function sniffBareDataSet(bytes: Uint8Array): 'meta' | 'explicit' | 'implicit' | undefined {
  if (bytes.length < 8) return undefined;
  const group = bytes[0] | (bytes[1] << 8);
  if (group % 2 !== 0 || group < 0x0002 || group > 0x0020) return undefined;
  const vr = String.fromCharCode(bytes[4], bytes[5]);
  if (VRS.has(vr)) return group === 0x0002 ? 'meta' : 'explicit';
  const length = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24)) >>> 0;
  if (length === 0xffffffff || length <= bytes.length - 8) return 'implicit';
  return undefined;
}

/** dicom-parser throws strings, Errors, or {exception, dataSet}; this gets the text. */
function parserMessage(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'exception' in e) return String((e as { exception: unknown }).exception);
  return String(e);
}

function explainParserFailure(message: string): string {
  if (/buffer overrun|maxPosition|beyond|end of (the )?buffer|truncat/i.test(message)) {
    return 'the file is truncated (an element runs past the end of the file)';
  }
  if (/0002,0010/.test(message)) return 'its file meta information has no Transfer Syntax UID (0002,0010)';
  return 'its data elements could not be parsed';
}

/**
 * Parses DICOM bytes (Part 10 file, or a bare data set in implicit/explicit VR little endian)
 * into a dicom-parser DataSet. Isomorphic. Throws MedfedError DATA_INVALID naming `fileName`
 * for bytes that are not DICOM, truncated files and missing or unknown transfer syntaxes.
 */
export function parseDicomBytes(bytes: Uint8Array, fileName: string): ParsedDicom {
  if (bytes.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `${fileName} is empty`, { where: fileName });
  }
  let input = bytes;
  let hasFileMeta = hasPreamble(bytes);
  let forced: string | undefined;
  if (!hasFileMeta) {
    const kind = sniffBareDataSet(bytes);
    if (kind === undefined) {
      throw new MedfedError(
        ErrorCodes.DATA_INVALID,
        `${fileName} is not a DICOM file: no "DICM" marker at byte 128 and the first bytes are not the start of a DICOM data set`,
        { where: fileName, hint: 'check that the file is DICOM (Part 10) and was not converted or cut' },
      );
    }
    if (kind === 'meta') {
      // File meta group without the preamble: add one so the Part 10 reader accepts it.
      input = new Uint8Array(bytes.length + 132);
      input.set([0x44, 0x49, 0x43, 0x4d], 128);
      input.set(bytes, 132);
      hasFileMeta = true;
    } else {
      forced = kind === 'explicit' ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
    }
  }
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(input, forced ? { TransferSyntaxUID: forced } : undefined);
  } catch (e) {
    const message = parserMessage(e);
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName} is not readable DICOM: ${explainParserFailure(message)} (${message})`, {
      where: fileName,
      hint: 'the file is damaged or incomplete; copy it again from the source (PACS export, archive)',
      cause: e,
    });
  }
  const uid = forced ?? dataSet.string('x00020010') ?? '';
  const transferSyntax = transferSyntaxInfo(uid);
  if (transferSyntax === undefined) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName} has an unknown transfer syntax "${uid}" (0002,0010)`, {
      where: `${fileName} (0002,0010)`,
      hint: 'medfed reads the transfer syntaxes listed in docs/imaging.md',
    });
  }
  return { dataSet, transferSyntax, hasFileMeta };
}
