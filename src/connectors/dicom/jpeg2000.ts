import { ErrorCodes, MedfedError } from '../../core/errors.js';

/** One decoded JPEG 2000 frame: samples in raster order, as the codestream stores them. */
export interface Jpeg2000Frame {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
  signed: boolean;
  samples: Int32Array;
}

interface OpenJpegFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}
interface OpenJpegDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): OpenJpegFrameInfo;
  delete(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => OpenJpegDecoder;
}

/** OpenJPEG reports progress ("[INFO] ...") on stdout; medfed reports decoding errors itself. */
const quiet = { print: () => undefined, printErr: () => undefined };

let codec: OpenJpegModule | undefined;
let loading: Promise<OpenJpegModule> | undefined;

/**
 * Loads the JPEG 2000 codec (OpenJPEG compiled to WebAssembly, `@cornerstonejs/codec-openjpeg`;
 * no native build, works in Node and browsers). Idempotent; `readDicomFile` and
 * `readDicomImage` call it when a file needs it, so only callers of the synchronous
 * `parseDicomImage` on JPEG 2000 data need to await it first.
 */
export async function loadJpeg2000Codec(): Promise<void> {
  if (codec) return;
  loading ??= import('@cornerstonejs/codec-openjpeg/decodewasmjs').then(async (m) => (await m.default(quiet)) as OpenJpegModule);
  try {
    codec = await loading;
  } catch (e) {
    loading = undefined;
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, 'the JPEG 2000 codec (@cornerstonejs/codec-openjpeg) could not be loaded', {
      hint: 'reinstall dependencies with `npm ci`; the codec is a WebAssembly module shipped in node_modules',
      cause: e,
    });
  }
}

export function jpeg2000CodecLoaded(): boolean {
  return codec !== undefined;
}

/** Decodes one JPEG 2000 codestream (or JP2 file); throws DATA_INVALID naming `where` if it is damaged. */
export function decodeJpeg2000(bytes: Uint8Array, where: string): Jpeg2000Frame {
  if (!codec) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${where}: JPEG 2000 pixel data need the codec, which is not loaded`, {
      where,
      hint: 'await loadJpeg2000Codec() before parseDicomImage, or read the file with readDicomFile / readDicomImage, which load it',
    });
  }
  const decoder = new codec.J2KDecoder();
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    try {
      decoder.decode();
    } catch (e) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${where}: the JPEG 2000 codestream cannot be decoded (${describe(e)})`, {
        where,
        hint: 'the compressed pixel data are damaged or truncated; re-export the image',
        cause: e,
      });
    }
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const count = info.width * info.height * info.componentCount;
    const bytesPerSample = info.bitsPerSample <= 8 ? 1 : 2;
    if (info.bitsPerSample > 16 || decoded.length < count * bytesPerSample) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${where}: the JPEG 2000 decoder returned ${decoded.length} bytes for ${info.width}×${info.height}×${info.componentCount} samples of ${info.bitsPerSample} bits`, { where });
    }
    const view = new DataView(decoded.buffer, decoded.byteOffset, decoded.byteLength);
    const samples = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      if (bytesPerSample === 1) samples[i] = info.isSigned ? view.getInt8(i) : view.getUint8(i);
      else samples[i] = info.isSigned ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
    }
    return { width: info.width, height: info.height, components: info.componentCount, bitsPerSample: info.bitsPerSample, signed: info.isSigned, samples };
  } finally {
    decoder.delete();
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'number' ? `decoder error ${e}` : String(e);
}
