/**
 * Sizes on the wire. A message is one JSON header frame plus its tensor bytes in chunk frames;
 * every gRPC message stays below `maxFrameBytes`, so no single buffer ever holds a whole model
 * on its way through HTTP/2, and a model over 2 GB travels like a small one.
 */
export interface WireLimits {
  /** Payload bytes per chunk frame. */
  readonly chunkBytes: number;
  /** Largest JSON header a peer may send. */
  readonly maxHeaderBytes: number;
  /** Largest tensor blob (one safetensors file) a peer may announce. */
  readonly maxBlobBytes: number;
  /** Largest total of the blobs of one message. */
  readonly maxMessageBytes: number;
  /** Most blobs in one message (weights plus strategy extras). */
  readonly maxBlobs: number;
}

const MiB = 1024 * 1024;

export const defaultWireLimits: WireLimits = {
  chunkBytes: MiB,
  maxHeaderBytes: MiB,
  // A Uint8Array in Node 20 holds at most 4 GiB; a blob is received into one preallocated array.
  maxBlobBytes: 4 * 1024 * MiB - 1,
  maxMessageBytes: 16 * 1024 * MiB,
  maxBlobs: 64,
};

/** Frame overhead above the payload: type byte + fixed fields. */
export const frameOverheadBytes = 64;

/** The gRPC max message length that fits every frame under these limits. */
export function maxFrameBytes(l: WireLimits): number {
  return Math.max(l.chunkBytes, l.maxHeaderBytes) + frameOverheadBytes;
}
