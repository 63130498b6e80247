import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { WireLimits } from './wire-limits.js';

/** A header already schema-checked: its id and the announced size of each blob. */
export interface AnnouncedHeader {
  readonly id: number;
  readonly blobs: readonly number[];
  /** Set when the blobs come on a bulk stream instead of in chunk frames (bulk-wire.ts). */
  readonly bulk?: string;
}

/**
 * Takes a message's blob bytes as they arrive instead of holding them, so a receiver can fold a
 * large message into what it already has (e.g. a running sum) in bounded memory.
 */
export interface BlobSink {
  /** Bytes `offset`.. of blob `blob`, in order. `bytes` is a view into the frame: use it during the call, do not keep it. */
  chunk(blob: number, offset: number, bytes: Uint8Array): void;
}

interface Pending<H> {
  readonly header: H;
  readonly sizes: readonly number[];
  /** The blobs being filled; empty arrays when a sink takes the bytes. */
  readonly blobs: Uint8Array[];
  readonly sink: BlobSink | null;
  readonly filled: number[];
  remaining: number;
}

function refuse(message: string): MedfedError {
  return new MedfedError(ErrorCodes.FORMAT_INVALID, message, { where: 'medfed Connect stream' });
}

/**
 * Reassembles messages from a header and its chunk frames. Sizes are checked against the limits
 * when the header arrives; each blob is then received into one array of exactly the announced
 * size, chunk by chunk in order, so memory is the message itself and nothing more.
 */
export class MessageAssembler<H extends AnnouncedHeader> {
  private readonly pending = new Map<number, Pending<H>>();

  constructor(private readonly limits: WireLimits, private readonly maxPending = 64) {}

  /**
   * A header: returns the message when it has no blobs, else null until its chunks are in.
   * With a `sink`, the blob bytes go to the sink as they arrive and are not held: the completed
   * message then carries an empty array in place of each blob.
   */
  header(h: H, sink: BlobSink | null = null): { header: H; blobs: Uint8Array[] } | null {
    if (this.pending.has(h.id)) throw refuse(`message ${h.id} announced twice`);
    if (h.blobs.length > this.limits.maxBlobs) throw refuse(`message ${h.id} announces ${h.blobs.length} blobs, the limit is ${this.limits.maxBlobs}`);
    let total = 0;
    for (const size of h.blobs) {
      if (size > this.limits.maxBlobBytes) throw refuse(`message ${h.id} announces a blob of ${size} bytes, the limit is ${this.limits.maxBlobBytes}`);
      total += size;
    }
    if (total > this.limits.maxMessageBytes) throw refuse(`message ${h.id} announces ${total} bytes, the limit is ${this.limits.maxMessageBytes}`);
    if (total === 0) return { header: h, blobs: h.blobs.map(() => new Uint8Array(0)) };
    if (this.pending.size >= this.maxPending) throw refuse(`more than ${this.maxPending} messages in flight at once`);
    const blobs = h.blobs.map((n) => new Uint8Array(sink ? 0 : n));
    this.pending.set(h.id, { header: h, sizes: h.blobs, blobs, sink, filled: h.blobs.map(() => 0), remaining: total });
    return null;
  }

  /** A chunk: returns the message when this chunk completes it. */
  chunk(id: number, blob: number, offset: number, bytes: Uint8Array): { header: H; blobs: Uint8Array[] } | null {
    const p = this.pending.get(id);
    if (!p) throw refuse(`chunk for message ${id}, which was not announced or is complete`);
    const size = p.sizes[blob];
    if (size === undefined) throw refuse(`chunk for blob ${blob} of message ${id}, which has ${p.sizes.length}`);
    if (offset !== p.filled[blob]) throw refuse(`chunk at offset ${offset} of blob ${blob} of message ${id}; expected ${p.filled[blob]}`);
    if (offset + bytes.byteLength > size) throw refuse(`chunk overruns blob ${blob} of message ${id} (${size} bytes announced)`);
    if (bytes.byteLength === 0) throw refuse(`empty chunk for message ${id}`);
    if (p.sink) p.sink.chunk(blob, offset, bytes);
    else p.blobs[blob].set(bytes, offset);
    p.filled[blob] += bytes.byteLength;
    p.remaining -= bytes.byteLength;
    if (p.remaining > 0) return null;
    this.pending.delete(id);
    return { header: p.header, blobs: p.blobs };
  }

  /** Bytes held by messages not yet complete. */
  bufferedBytes(): number {
    let n = 0;
    for (const p of this.pending.values()) for (const b of p.blobs) n += b.byteLength;
    return n;
  }

  clear(): void {
    this.pending.clear();
  }
}
