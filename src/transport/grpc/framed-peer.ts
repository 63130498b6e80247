import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import { asMedfedError, ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';
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
      let done: { header: In; blobs: Uint8Array[] } | null = null;
      if (f.type === 'header') {
        const h = this.parseHeader(f.json);
        done = this.assembler.header(h, this.events.sinkFor?.(h) ?? null);
      }
      else if (f.type === 'chunk') done = this.assembler.chunk(f.id, f.blob, f.offset, f.bytes);
      if (done) this.events.onMessage(done.header, done.blobs);
    } catch (e) {
      const err = asMedfedError(e);
      this.events.onProtocolError(err);
      this.close(`protocol error: ${err.message}`);
      this.stream.destroy();
    }
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

  /** Queue a message: its header (with the blob sizes) then its blobs in chunks. */
  send(header: AnnouncedHeader & Record<string, unknown>, blobs: readonly Uint8Array[]): Promise<void> {
    const run = async () => {
      this.assertOpen();
      await this.write(headerFrame(JSON.stringify(header), this.limits.maxHeaderBytes));
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
    this.events.onClose(reason);
  }

  end(): void {
    if (!this.stream.writableEnded) this.stream.end();
    this.close('closed by this side');
  }
}
