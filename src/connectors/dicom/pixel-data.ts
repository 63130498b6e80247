import dicomParser from 'dicom-parser';
import type { Element } from 'dicom-parser';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { ParsedDicom } from './parse-dataset.js';
import { decodeJpeg2000 } from './jpeg2000.js';
import { decodeRleFrame } from './rle.js';
import { decodeStoredValues, nativeByteLength, type PixelLayout } from './stored-values.js';
import { codecHint } from './transfer-syntax.js';

const PIXEL_TAG = 'x7fe00010';

/**
 * The stored pixel values of every frame (frame-major), decoded from native, RLE or JPEG 2000
 * pixel data (JPEG 2000 needs `loadJpeg2000Codec()` to have been awaited).
 * Throws DATA_INVALID for missing or short pixel data and for compressed transfer syntaxes
 * medfed has no codec for (naming the transfer syntax; never returns undecoded bytes).
 */
export function decodePixelData(parsed: ParsedDicom, layout: PixelLayout, fileName: string): Float32Array {
  const { dataSet, transferSyntax } = parsed;
  const element = dataSet.elements[PIXEL_TAG];
  if (element === undefined) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName} has no Pixel Data (7FE0,0010): it is not an image`, {
      where: `${fileName} (7FE0,0010)`,
      hint: 'structured reports, RT structures, waveforms and other non-image objects cannot be read as images',
    });
  }
  if (transferSyntax.pixels === 'unsupported') {
    throw new MedfedError(
      ErrorCodes.DATA_INVALID,
      `${fileName}: pixel data use transfer syntax ${transferSyntax.uid} (${transferSyntax.name}), which medfed cannot decode`,
      { where: `${fileName} (0002,0010)`, hint: codecHint(transferSyntax) },
    );
  }
  const perFrame = layout.rows * layout.columns;
  const out = new Float32Array(perFrame * layout.frames);
  if (transferSyntax.pixels === 'rle') {
    decodeRle(parsed, element, layout, fileName, out);
    return out;
  }
  if (transferSyntax.pixels === 'jpeg2000') {
    decodeJpeg2000Frames(parsed, element, layout, fileName, out);
    return out;
  }
  if (element.encapsulatedPixelData) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName}: pixel data are encapsulated (compressed) but the transfer syntax ${transferSyntax.uid} is uncompressed`, {
      where: `${fileName} (7FE0,0010)`,
    });
  }
  const needed = nativeByteLength(layout);
  const available = Math.min(element.length, dataSet.byteArray.length - element.dataOffset);
  if (available < needed) {
    throw new MedfedError(
      ErrorCodes.DATA_INVALID,
      `${fileName}: Pixel Data has ${Math.max(0, available)} bytes but ${layout.frames} frame(s) of ${layout.rows}×${layout.columns} at ${layout.bitsAllocated} bits need ${needed} (truncated file?)`,
      { where: `${fileName} (7FE0,0010)`, hint: 'the file is incomplete; copy it again from the source' },
    );
  }
  const bytes = new Uint8Array(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + element.dataOffset, needed);
  decodeStoredValues(bytes, layout, out.length, out, 0);
  return out;
}

/** The bytes of one frame of encapsulated (compressed) pixel data; DATA_INVALID naming the file when it cannot be located. */
function encapsulatedFrame(parsed: ParsedDicom, element: Element, layout: PixelLayout, f: number, fileName: string, codec: string): Uint8Array {
  const { dataSet } = parsed;
  const fragments = element.fragments ?? [];
  const bot = element.basicOffsetTable ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName}: ${codec} pixel data must be encapsulated in fragments, and none were found`, {
      where: `${fileName} (7FE0,0010)`,
    });
  }
  try {
    if (layout.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length) as Uint8Array;
    if (bot.length === layout.frames) return dicomParser.readEncapsulatedImageFrame(dataSet, element, f) as Uint8Array;
    if (fragments.length === layout.frames) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, f, 1) as Uint8Array;
    throw new Error(`${layout.frames} frames, ${fragments.length} fragments and no basic offset table`);
  } catch (e) {
    if (e instanceof MedfedError) throw e;
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName}: ${codec} frame ${f + 1} could not be located (${e instanceof Error ? e.message : String(e)})`, {
      where: `${fileName} (7FE0,0010)`,
      cause: e,
    });
  }
}

function decodeRle(parsed: ParsedDicom, element: Element, layout: PixelLayout, fileName: string, out: Float32Array): void {
  if (layout.bitsAllocated === 1) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName}: RLE with BitsAllocated 1 is not supported`, { where: `${fileName} (0028,0100)` });
  }
  const perFrame = layout.rows * layout.columns;
  const bytesPerSample = layout.bitsAllocated / 8;
  for (let f = 0; f < layout.frames; f++) {
    const frameBytes = encapsulatedFrame(parsed, element, layout, f, fileName, 'RLE');
    const native = decodeRleFrame(frameBytes, perFrame, bytesPerSample, 1, `${fileName} frame ${f + 1}`);
    decodeStoredValues(native, { ...layout, littleEndian: true }, perFrame, out, f * perFrame);
  }
}

/**
 * JPEG 2000 frames decoded by OpenJPEG. The codestream's own size, component count and
 * precision must agree with the DICOM attributes; its samples are the stored values.
 */
function decodeJpeg2000Frames(parsed: ParsedDicom, element: Element, layout: PixelLayout, fileName: string, out: Float32Array): void {
  const perFrame = layout.rows * layout.columns;
  for (let f = 0; f < layout.frames; f++) {
    const where = layout.frames === 1 ? fileName : `${fileName} frame ${f + 1}`;
    const frame = decodeJpeg2000(encapsulatedFrame(parsed, element, layout, f, fileName, 'JPEG 2000'), where);
    if (frame.width !== layout.columns || frame.height !== layout.rows || frame.components !== 1) {
      throw new MedfedError(
        ErrorCodes.DATA_INVALID,
        `${where}: the JPEG 2000 codestream is ${frame.width}×${frame.height} with ${frame.components} component(s), but the DICOM attributes say ${layout.columns}×${layout.rows} with 1`,
        { where: `${fileName} (7FE0,0010)`, hint: 'the file is inconsistent; re-export it from the source system' },
      );
    }
    if (frame.bitsPerSample > layout.bitsAllocated) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${where}: the JPEG 2000 codestream has ${frame.bitsPerSample}-bit samples but BitsAllocated is ${layout.bitsAllocated}`, {
        where: `${fileName} (0028,0100)`,
      });
    }
    for (let i = 0; i < perFrame; i++) out[f * perFrame + i] = frame.samples[i];
  }
}
