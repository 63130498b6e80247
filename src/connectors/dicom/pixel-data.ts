import dicomParser from 'dicom-parser';
import type { Element } from 'dicom-parser';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { ParsedDicom } from './parse-dataset.js';
import { decodeRleFrame } from './rle.js';
import { decodeStoredValues, nativeByteLength, type PixelLayout } from './stored-values.js';
import { codecHint } from './transfer-syntax.js';

const PIXEL_TAG = 'x7fe00010';

/**
 * The stored pixel values of every frame (frame-major), decoded from native or RLE pixel data.
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

function decodeRle(parsed: ParsedDicom, element: Element, layout: PixelLayout, fileName: string, out: Float32Array): void {
  const { dataSet } = parsed;
  const fragments = element.fragments ?? [];
  const bot = element.basicOffsetTable ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName}: RLE Lossless pixel data must be encapsulated in fragments, and none were found`, {
      where: `${fileName} (7FE0,0010)`,
    });
  }
  if (layout.bitsAllocated === 1) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName}: RLE with BitsAllocated 1 is not supported`, { where: `${fileName} (0028,0100)` });
  }
  const perFrame = layout.rows * layout.columns;
  const bytesPerSample = layout.bitsAllocated / 8;
  for (let f = 0; f < layout.frames; f++) {
    let frameBytes: Uint8Array;
    try {
      if (layout.frames === 1) {
        frameBytes = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length) as Uint8Array;
      } else if (bot.length === layout.frames) {
        frameBytes = dicomParser.readEncapsulatedImageFrame(dataSet, element, f) as Uint8Array;
      } else if (fragments.length === layout.frames) {
        frameBytes = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, f, 1) as Uint8Array;
      } else {
        throw new Error(`${layout.frames} frames, ${fragments.length} fragments and no basic offset table`);
      }
    } catch (e) {
      if (e instanceof MedfedError) throw e;
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName}: RLE frame ${f + 1} could not be located (${e instanceof Error ? e.message : String(e)})`, {
        where: `${fileName} (7FE0,0010)`,
        cause: e,
      });
    }
    const native = decodeRleFrame(frameBytes, perFrame, bytesPerSample, 1, `${fileName} frame ${f + 1}`);
    decodeStoredValues(native, { ...layout, littleEndian: true }, perFrame, out, f * perFrame);
  }
}
