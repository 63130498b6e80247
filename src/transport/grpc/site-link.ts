import type { Duplex } from 'node:stream';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { SiteReply, SiteRequest } from '../../core/messages.js';
import { FramedPeer } from './framed-peer.js';
import { HeartbeatMonitor, type HeartbeatOptions } from './heartbeat.js';
import { joinReply, splitRequest } from './wire-codec.js';
import type { WireLimits } from './wire-limits.js';
import type { BlobSink } from './message-assembler.js';
import type { BulkOffer, BulkRouter, BulkUpload } from './bulk-router.js';
import type { BulkSource } from './framed-peer.js';
import { replyHeaderSchema, type ReplyHeader, type WireReply } from './wire-schemas.js';

/**
 * Receives a reply's tensors as they arrive instead of as whole arrays (bounded memory: e.g. a
 * coordinator folds each site's update into a running sum while eight sites send at once).
 */
export interface ReplyConsumer {
  /**
   * The reply's header arrived: its body (tensor fields are blob indices, `numExamples` is known)
   * and the size of each blob. Returns where the blob bytes go. Throwing rejects the request;
   * the reply's bytes are then read and dropped, and the connection stays up.
   */
  begin(body: WireReply, blobSizes: readonly number[]): BlobSink;
}

interface PendingRequest {
  resolve(r: SiteReply): void;
  reject(e: Error): void;
  readonly consumer?: ReplyConsumer;
  /** Set when the consumer failed; the request is rejected with it once the reply is complete. */
  failure?: Error;
  /** The request's blobs waiting for the site's GET, and the token for the reply's POST (bulk-router.ts). */
  readonly offer?: BulkOffer;
  readonly upload?: BulkUpload;
}

/** How long a site may take to open the bulk stream of a reply whose header it has sent. */
const bulkArrivalMs = 60_000;

/**
 * The coordinator's end of one site's Connect stream: sends requests,
 * matches replies by id, keeps the heartbeat. When the stream dies every pending request is
 * rejected with SITE_FAILURE; the stream is never reused. With a BulkRouter, tensor bytes travel
 * on bulk streams beside the Connect stream (bulk-wire.ts): a request's blobs wait for the site's
 * GET, and every request carries a one-time token for the POST of its reply's blobs.
 */
export class SiteLink {
  private readonly peer: FramedPeer<ReplyHeader>;
  private readonly heartbeat: HeartbeatMonitor;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private closeReason: string | null = null;

  constructor(
    readonly siteId: string,
    stream: Duplex,
    limits: WireLimits,
    heartbeat: HeartbeatOptions,
    private readonly onClosed: (link: SiteLink, reason: string) => void,
    private readonly bulk: BulkRouter | null = null,
  ) {
    this.peer = new FramedPeer(stream, replyHeaderSchema, limits, {
      onMessage: (h, blobs) => this.reply(h, blobs),
      sinkFor: (h) => this.sinkFor(h),
      bulkSource: (h) => this.bulkSource(h),
      onProtocolError: () => undefined,
      onActivity: () => this.heartbeat.heard(),
      onClose: (reason) => this.closed(reason),
    });
    this.heartbeat = new HeartbeatMonitor(heartbeat, () => this.peer.heartbeat(), (ms) => {
      this.peer.close(`no heartbeat from site ${siteId} for ${ms} ms`);
      stream.destroy();
    });
  }

  get alive(): boolean {
    return this.closeReason === null;
  }

  /**
   * Send a request; resolves with the site's reply. With a `consumer`, the reply's blobs are
   * streamed to it as they arrive and the resolved reply carries empty arrays in their place.
   */
  request(req: SiteRequest, consumer?: ReplyConsumer): Promise<SiteReply> {
    if (this.closeReason !== null) {
      return Promise.reject(new MedfedError(ErrorCodes.SITE_FAILURE, `site ${this.siteId} is disconnected (${this.closeReason})`));
    }
    const id = this.nextId++;
    const { body, blobs } = splitRequest(req);
    const offer = this.bulk && blobs.some((b) => b.byteLength > 0) ? this.bulk.offer(this.siteId, blobs) : undefined;
    const upload = this.bulk?.expectUpload(this.siteId);
    const done = new Promise<SiteReply>((resolve, reject) => this.pending.set(id, { resolve, reject, consumer, offer, upload }));
    const header = { id, blobs: blobs.map((b) => b.byteLength), body, ...(offer ? { bulk: offer.token } : {}), ...(upload ? { upload: upload.token } : {}) };
    const sent = this.peer.send(header, blobs).then(() => offer?.sent);
    sent.catch((e: Error) => {
      const p = this.settle(id);
      p?.reject(new MedfedError(ErrorCodes.SITE_FAILURE, `sending ${req.kind} to site ${this.siteId} failed: ${e.message}`, { cause: e }));
    });
    return done;
  }

  /** Remove a pending request and withdraw its bulk tokens. */
  private settle(id: number): PendingRequest | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.offer?.cancel();
    p?.upload?.cancel();
    return p;
  }

  private async bulkSource(h: ReplyHeader): Promise<BulkSource> {
    const upload = this.pending.get(h.id)?.upload;
    if (!upload || upload.token !== h.bulk) {
      throw new MedfedError(ErrorCodes.FORMAT_INVALID, `reply ${h.id} names a bulk stream that was not offered for it`, { where: `site ${this.siteId}'s Connect stream` });
    }
    const stream = await upload.arrival(bulkArrivalMs);
    return { stream, finish: (e) => upload.finish(e) };
  }

  private sinkFor(h: ReplyHeader): BlobSink | null {
    const p = this.pending.get(h.id);
    if (!p?.consumer) return null;
    const drop: BlobSink = { chunk: () => undefined };
    if (h.body.siteId !== this.siteId) return drop; // rejected in reply()
    let sink: BlobSink;
    try {
      sink = p.consumer.begin(h.body, h.blobs);
    } catch (e) {
      p.failure = e as Error;
      return drop;
    }
    return {
      chunk: (blob, offset, bytes) => {
        if (p.failure) return;
        try {
          sink.chunk(blob, offset, bytes);
        } catch (e) {
          p.failure = e as Error;
        }
      },
    };
  }

  private reply(h: ReplyHeader, blobs: Uint8Array[]): void {
    const p = this.settle(h.id);
    if (!p) return; // a reply to a request already given up on (late reply): dropped
    if (p.failure) {
      p.reject(p.failure);
      return;
    }
    if (h.body.siteId !== this.siteId) {
      p.reject(new MedfedError(ErrorCodes.SITE_FAILURE, `a reply on site ${this.siteId}'s connection claims to come from "${h.body.siteId}"`));
      return;
    }
    try {
      p.resolve(joinReply(h.body, blobs));
    } catch (e) {
      p.reject(e as Error);
    }
  }

  private closed(reason: string): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    this.heartbeat.stop();
    const err = new MedfedError(ErrorCodes.SITE_FAILURE, `site ${this.siteId} disconnected: ${reason}`, { hint: 'the site may rejoin when its agent reconnects' });
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(err);
    this.onClosed(this, reason);
  }

  close(reason: string): void {
    this.peer.close(reason);
    this.peer.end();
  }
}
