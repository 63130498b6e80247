import type { Duplex, Readable } from 'node:stream';
import type { z } from 'zod';
import { asMedfedError, ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';
import { readBlobs } from './bulk-wire.js';
import { chunkFrame, headerFrame, heartbeatFrame, parseFrame } from './frames.js';
import { MessageAssembler, type AnnouncedHeader, type BlobSink } from './message-assembler.js';
import type { WireLimits } from './wire-limits.js';

export interface FramedPeerEvents<H> {
  /** A complete, schema-checked message. */
  onMessage(header: H, blobs: Uint8Array[]): void;
  /** The peer broke the protocol (bad frame, bad header); the stream is closed after this. */
  onProtocolError(e: MedfedError): void;
  /** The stream ended or failed. Called once. */
  onClose(reason: string): void;
  /** Any frame arrived (liveness). */
  onActivity?(): void;
  /** A checked header arrived: a sink to stream its blobs into, or null to receive them whole. */
  sinkFor?(header: H): BlobSink | null;
  /**
   * A checked header announced its blobs on a bulk stream (`bulk` token, bulk-wire.ts): the
   * stream to read them from, and what to do once it was read (error null) or failed. Throwing
   * or rejecting is a protocol error. Without this, a header with `bulk` is a protocol error.
   */
  bulkSource?(header: H): Promise<BulkSource>;
}

/** Messages a peer may have announced ahead of one still arriving (as many as may be in flight at once). */
const maxUndelivered = 64;

interface Slot<In> {
  readonly bulk: boolean;
  message: { header: In; blobs: Uint8Array[] } | null;
}

export interface BulkSource {
  readonly stream: Readable;
  finish(error: Error | null): void;
}

/**
 * One end of a Connect stream: writes messages as a header frame and chunk frames (waiting for
 * the stream to drain, so at most a few frames are buffered), and reads frames back into
 * messages, schema-checking every header. Used by both the coordinator and the site.
 */
export class FramedPeer<In extends AnnouncedHeader> {
  private readonly assembler: MessageAssembler<In>;
  private sendQueue: Promise<void> = Promise.resolve();
  private closed = false;
  /**
   * Messages whose header arrived and that are not yet delivered, in header order: a message is
   * delivered once it is complete and every message announced before it was delivered, so a
   * message whose blobs come on a bulk stream does not fall behind one announced after it.
   */
  private readonly order: Array<Slot<In>> = [];
  private readonly slots = new Map<number, Slot<In>>();
  private readonly bulkStreams = new Set<Readable>();

  constructor(
    private readonly stream: Duplex,
    private readonly inSchema: z.ZodType<In>,
    private readonly limits: WireLimits,
    private readonly events: FramedPeerEvents<In>,
  ) {
    this.assembler = new MessageAssembler<In>(limits);
    stream.on('data', (buf: Uint8Array) => this.receive(buf));
    stream.on('error', (e: Error) => this.close(`stream error: ${e.message}`));
    stream.on('end', () => this.close('the peer ended the stream'));
    stream.on('close', () => this.close('the stream closed'));
    stream.on('cancelled', () => this.close('the call was cancelled'));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private receive(buf: Uint8Array): void {
    if (this.closed) return;
    this.events.onActivity?.();
    try {
      const f = parseFrame(buf, this.limits.maxHeaderBytes);
      if (f.type === 'header') {
        const h = this.parseHeader(f.json);
        const done = this.assembler.header(h, this.events.sinkFor?.(h) ?? null);
        const slot: Slot<In> = { bulk: !done && h.bulk !== undefined, message: done };
        if (this.order.length >= maxUndelivered) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `more than ${maxUndelivered} messages announced and not yet delivered`, { where: 'medfed Connect stream' });
        this.order.push(slot);
        if (!done) this.slots.set(h.id, slot);
        if (slot.bulk) this.readBulk(h);
      } else if (f.type === 'chunk') {
        if (this.slots.get(f.id)?.bulk) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `chunk frame for message ${f.id}, whose blobs come on a bulk stream`, { where: 'medfed Connect stream' });
        const done = this.assembler.chunk(f.id, f.blob, f.offset, f.bytes);
        if (done) this.complete(f.id, done);
      }
      this.deliver();
    } catch (e) {
      this.fail(e);
    }
  }

  private complete(id: number, message: { header: In; blobs: Uint8Array[] }): void {
    const slot = this.slots.get(id);
    this.slots.delete(id);
    if (slot) slot.message = message;
  }

  /** Hand over the complete messages at the head of the order. */
  private deliver(): void {
    while (!this.closed && this.order.length > 0 && this.order[0].message) {
      const { header, blobs } = this.order.shift()!.message!;
      this.events.onMessage(header, blobs);
    }
  }

  private fail(e: unknown): void {
    if (this.closed) return;
    const err = asMedfedError(e);
    this.events.onProtocolError(err);
    this.close(`protocol error: ${err.message}`);
    this.stream.destroy();
  }

  /** Receive a message's blobs from its bulk stream into the assembler (same size and order checks as chunk frames). */
  private readBulk(h: In): void {
    if (!this.events.bulkSource) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `message ${h.id} announces a bulk stream, which this end does not take`, { where: 'medfed Connect stream' });
    const source = this.events.bulkSource(h);
    void source.then(
      ({ stream, finish }) => {
        if (this.closed) {
          stream.destroy();
          return finish(new MedfedError(ErrorCodes.SITE_FAILURE, 'the connection closed'));
        }
        this.bulkStreams.add(stream);
        let done: { header: In; blobs: Uint8Array[] } | null = null;
        readBlobs(stream, h.blobs, (blob, offset, bytes) => {
          done = this.assembler.chunk(h.id, blob, offset, bytes) ?? done;
        }).then(
          () => {
            this.bulkStreams.delete(stream);
            finish(null);
            if (done) this.complete(h.id, done);
            this.deliver();
          },
          (e: Error) => {
            this.bulkStreams.delete(stream);
            finish(e);
            this.fail(e);
          },
        );
      },
      (e: Error) => this.fail(e),
    );
  }

  private parseHeader(json: string): In {
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch (e) {
      throw new MedfedError(ErrorCodes.FORMAT_INVALID, `message header is not JSON: ${(e as Error).message}`, { where: 'medfed Connect stream' });
    }
    const r = this.inSchema.safeParse(data);
    if (!r.success) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `message header does not fit the protocol: ${formatZodIssues(r.error)}`, { where: 'medfed Connect stream' });
    return r.data;
  }

  /**
   * Queue a message: its header (with the blob sizes) then its blobs in chunks — or only the
   * header when it names a bulk stream (`bulk`): the caller moves the blobs there.
   */
  send(header: AnnouncedHeader & Record<string, unknown>, blobs: readonly Uint8Array[]): Promise<void> {
    const run = async () => {
      this.assertOpen();
      await this.write(headerFrame(JSON.stringify(header), this.limits.maxHeaderBytes));
      if (header.bulk !== undefined) return;
      for (let b = 0; b < blobs.length; b++) {
        const blob = blobs[b];
        for (let off = 0; off < blob.byteLength; off += this.limits.chunkBytes) {
          this.assertOpen();
          await this.write(chunkFrame(header.id, b, off, blob.subarray(off, Math.min(blob.byteLength, off + this.limits.chunkBytes))));
        }
      }
    };
    const p = this.sendQueue.then(run);
    this.sendQueue = p.catch(() => undefined);
    return p;
  }

  /** A heartbeat goes out at once, between the frames of a message being sent. */
  heartbeat(): void {
    if (!this.closed) this.stream.write(heartbeatFrame());
  }

  private assertOpen(): void {
    if (this.closed) throw new MedfedError(ErrorCodes.SITE_FAILURE, 'the connection closed while a message was being sent');
  }

  private write(frame: Buffer): Promise<void> {
    if (this.stream.write(frame)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        this.stream.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        this.stream.off('drain', onDrain);
        reject(new MedfedError(ErrorCodes.SITE_FAILURE, 'the connection closed while a message was being sent'));
      };
      this.stream.once('drain', onDrain);
      this.stream.once('close', onClose);
    });
  }

  /** Close this end (idempotent); incomplete incoming messages are dropped. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.assembler.clear();
    for (const s of this.bulkStreams) s.destroy();
    this.bulkStreams.clear();
    this.order.length = 0;
    this.slots.clear();
    this.events.onClose(reason);
  }

  /** Close this end and drop the stream (e.g. a reply's bulk stream failed after its header went out). */
  abort(reason: string): void {
    this.close(reason);
    this.stream.destroy();
  }

  end(): void {
    if (!this.stream.writableEnded) this.stream.end();
    this.close('closed by this side');
  }
}
