import { ErrorCodes, MedfedError } from './errors.js';
import { sizeOf, type Tensor, type Weights } from './tensors.js';

/**
 * safetensors (https://github.com/huggingface/safetensors), byte-exact to the format as the
 * reference implementation writes it: an 8-byte little-endian header length N, N bytes of
 * compact JSON padded with spaces to a multiple of 8, then the tensor bytes (little-endian,
 * row-major) with no holes. Tensors are ordered by name (the reference sorts by dtype
 * alignment, then name; medfed writes F32 only), `__metadata__` comes first with sorted keys.
 * The reader accepts F32, F64, F16 and BF16 (converted to float32); integer tensors (e.g.
 * PyTorch's `num_batches_tracked`) are returned separately in `skipped`.
 */

const MAX_HEADER = 100_000_000;
const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};
const FLOAT_DTYPES = new Set(['F64', 'F32', 'F16', 'BF16']);

export interface SafetensorsFile {
  readonly tensors: Map<string, Tensor>;
  readonly metadata: Record<string, string>;
  /** Non-float tensors present in the file and not returned (name → dtype). */
  readonly skipped: Record<string, string>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Serialise named float32 tensors (and optional string metadata) to safetensors bytes. */
export function encodeSafetensors(weights: Weights, metadata?: Record<string, string>): Uint8Array {
  const names = [...weights.keys()].sort(compareNames);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(metadata).sort(compareNames)) {
      if (typeof metadata[k] !== 'string') throw formatError(`metadata value "${k}" must be a string`);
      sorted[k] = metadata[k];
    }
    header.__metadata__ = sorted;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw formatError('a tensor cannot be named "__metadata__"');
    const t = weights.get(name)!;
    if (t.data.length !== sizeOf(t.shape)) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `tensor "${name}" has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    }
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const data = weights.get(name)!.data;
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    } else {
      for (let i = 0; i < data.length; i++) view.setFloat32(at + i * 4, data[i], true);
    }
    at += data.byteLength;
  }
  return out;
}

/** Parse and validate safetensors bytes. Malformed input → FORMAT_INVALID naming the problem. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  if (bytes.length < 8) throw formatError(`${source}: ${bytes.length} bytes is too short for a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER) || Number(n) > bytes.length - 8) {
    throw formatError(`${source}: header length ${n} exceeds the file (${bytes.length} bytes) or the 100 MB limit`);
  }
  const headerLen = Number(n);
  let header: Record<string, unknown>;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
    if (!text.startsWith('{')) throw new Error('header does not start with "{"');
    header = JSON.parse(text);
  } catch (e) {
    throw formatError(`${source}: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw formatError(`${source}: header is not a JSON object`);
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object') throw formatError(`${source}: __metadata__ must be an object of strings`);
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') throw formatError(`${source}: __metadata__.${k} must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    const i = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const where = `${source}: tensor "${name}"`;
    if (typeof i?.dtype !== 'string' || !(i.dtype in DTYPE_BYTES)) throw formatError(`${where} has unknown dtype ${JSON.stringify(i?.dtype)}`);
    if (!Array.isArray(i.shape) || !i.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw formatError(`${where} has an invalid shape`);
    const off = i.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      throw formatError(`${where} has invalid data_offsets`);
    }
    const [begin, end] = off as [number, number];
    if (end > dataLen) throw formatError(`${where} ends at byte ${end}, past the data (${dataLen} bytes)`);
    const expected = sizeOf(i.shape as number[]) * DTYPE_BYTES[i.dtype];
    if (end - begin !== expected) throw formatError(`${where}: ${end - begin} bytes for ${i.dtype} shape [${(i.shape as number[]).join(', ')}] (expected ${expected})`);
    entries.push({ name, dtype: i.dtype, shape: i.shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of entries) {
    if (e.begin !== covered) throw formatError(`${source}: tensor "${e.name}" starts at byte ${e.begin}, expected ${covered} (overlap or hole)`);
    covered = e.end;
  }
  if (covered !== dataLen) throw formatError(`${source}: ${dataLen - covered} bytes after the last tensor are not indexed`);

  const tensors = new Map<string, Tensor>();
  const skipped: Record<string, string> = {};
  for (const e of [...entries].sort((a, b) => compareNames(a.name, b.name))) {
    if (!FLOAT_DTYPES.has(e.dtype)) {
      skipped[e.name] = e.dtype;
      continue;
    }
    tensors.set(e.name, { shape: e.shape, data: readFloats(view, dataStart + e.begin, e.end - e.begin, e.dtype) });
  }
  return { tensors, metadata, skipped };
}

function readFloats(view: DataView, at: number, byteLength: number, dtype: string): Float32Array {
  const size = DTYPE_BYTES[dtype];
  const out = new Float32Array(byteLength / size);
  for (let i = 0; i < out.length; i++) {
    const p = at + i * size;
    if (dtype === 'F32') out[i] = view.getFloat32(p, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(p, true);
    else if (dtype === 'BF16') out[i] = bf16ToFloat(view.getUint16(p, true));
    else out[i] = f16ToFloat(view.getUint16(p, true));
  }
  return out;
}

const conv = new DataView(new ArrayBuffer(4));
function bf16ToFloat(h: number): number {
  conv.setUint32(0, h << 16);
  return conv.getFloat32(0);
}

function f16ToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Byte-wise order of the UTF-8 names, as Rust sorts Strings. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatError(message: string): MedfedError {
  return new MedfedError(ErrorCodes.FORMAT_INVALID, message, {
    hint: 'the file is not a valid safetensors file; re-export it (safetensors.torch.save_file) or check that it was fully transferred',
  });
}
