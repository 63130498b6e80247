import { ErrorCodes, MedfedError } from '../../core/errors.js';

/**
 * The binary frames of the Connect stream; each is one gRPC message (raw bytes, no protobuf).
 *   HEADER    [1][u32 json length][json]                 a message's header (see wire-messages.ts)
 *   CHUNK     [2][u32 message id][u32 blob][f64 offset][bytes]   part of a blob of message `id`
 *   HEARTBEAT [3]                                        "I am alive", both directions
 * All integers big-endian. Parsing checks every length against the frame itself; nothing is
 * evaluated, the JSON header is parsed with JSON.parse and then schema-checked by the caller.
 */
export const FrameType = { header: 1, chunk: 2, heartbeat: 3 } as const;

export type Frame =
  | { readonly type: 'header'; readonly json: string }
  | { readonly type: 'chunk'; readonly id: number; readonly blob: number; readonly offset: number; readonly bytes: Uint8Array }
  | { readonly type: 'heartbeat' };

const chunkPrefix = 1 + 4 + 4 + 8;

function bad(message: string): MedfedError {
  return new MedfedError(ErrorCodes.FORMAT_INVALID, `invalid frame: ${message}`, { where: 'medfed Connect stream' });
}

export function headerFrame(json: string, maxHeaderBytes: number): Buffer {
  const body = Buffer.from(json, 'utf8');
  if (body.length > maxHeaderBytes) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `a message header of ${body.length} bytes exceeds the limit of ${maxHeaderBytes}`, {
      hint: 'tensors travel as blobs, not in the header; keep option and metric maps small',
    });
  }
  const out = Buffer.allocUnsafe(5 + body.length);
  out[0] = FrameType.header;
  out.writeUInt32BE(body.length, 1);
  body.copy(out, 5);
  return out;
}

export function chunkFrame(id: number, blob: number, offset: number, bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(chunkPrefix + bytes.byteLength);
  out[0] = FrameType.chunk;
  out.writeUInt32BE(id, 1);
  out.writeUInt32BE(blob, 5);
  out.writeDoubleBE(offset, 9);
  out.set(bytes, chunkPrefix);
  return out;
}

export function heartbeatFrame(): Buffer {
  return Buffer.from([FrameType.heartbeat]);
}

/** Decode one frame; throws FORMAT_INVALID on anything malformed. The chunk payload is a view, not a copy. */
export function parseFrame(buf: Uint8Array, maxHeaderBytes: number): Frame {
  if (buf.byteLength < 1) throw bad('empty frame');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (buf[0]) {
    case FrameType.header: {
      if (buf.byteLength < 5) throw bad('header frame shorter than its length field');
      const len = view.getUint32(1);
      if (len > maxHeaderBytes) throw bad(`header of ${len} bytes exceeds the limit of ${maxHeaderBytes}`);
      if (len !== buf.byteLength - 5) throw bad(`header length field says ${len} bytes, the frame holds ${buf.byteLength - 5}`);
      return { type: 'header', json: Buffer.from(buf.buffer, buf.byteOffset + 5, len).toString('utf8') };
    }
    case FrameType.chunk: {
      if (buf.byteLength < chunkPrefix) throw bad('chunk frame shorter than its fixed fields');
      const offset = view.getFloat64(9);
      if (!Number.isSafeInteger(offset) || offset < 0) throw bad(`chunk offset ${offset} is not a non-negative integer`);
      return { type: 'chunk', id: view.getUint32(1), blob: view.getUint32(5), offset, bytes: buf.subarray(chunkPrefix) };
    }
    case FrameType.heartbeat:
      if (buf.byteLength !== 1) throw bad('heartbeat frame carries bytes');
      return { type: 'heartbeat' };
    default:
      throw bad(`unknown frame type ${buf[0]}`);
  }
}
