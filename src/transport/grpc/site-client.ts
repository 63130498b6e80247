import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { asMedfedError } from '../../core/errors.js';
import type { SiteReply, SiteRequest } from '../../core/messages.js';
import type { StartupKit } from '../../pki/startup-kit.js';
import { BulkClient } from './bulk-client.js';
import { FramedPeer } from './framed-peer.js';
import { HeartbeatMonitor, type HeartbeatOptions } from './heartbeat.js';
import { MedfedClientConstructor, type MedfedClient } from './service.js';
import { channelOptions, clientCredentials } from './tls.js';
import { joinRequest, splitReply } from './wire-codec.js';
import { maxFrameBytes, type WireLimits } from './wire-limits.js';
import { requestHeaderSchema, type RequestHeader } from './wire-schemas.js';

export type SiteRequestHandler = (request: SiteRequest) => Promise<SiteReply>;

export interface SiteClientOptions {
  readonly kit: StartupKit;
  /** host:port of the coordinator. */
  readonly address: string;
  readonly limits: WireLimits;
  readonly heartbeat: HeartbeatOptions;
  /** Reconnect backoff: first wait, doubled up to the maximum. */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
}

/**
 * The site agent's end: dials the coordinator (outbound only), opens one Connect stream,
 * answers its requests one after the other with `handler`, sends heartbeats, and reconnects with
 * exponential backoff whenever the stream ends (coordinator restart, network loss).
 * Emits 'connected', 'disconnected' (reason) and 'protocol-error' (error).
 */
export class SiteClient extends EventEmitter {
  private client: MedfedClient | null = null;
  private bulk: BulkClient | null = null;
  private stopped = false;
  private wait: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private current: { peer: FramedPeer<RequestHeader>; heartbeat: HeartbeatMonitor } | null = null;

  constructor(private readonly o: SiteClientOptions, private readonly handler: SiteRequestHandler) {
    super();
    this.wait = o.backoff.initialMs;
  }

  start(): void {
    this.client = new MedfedClientConstructor(this.o.address, clientCredentials(this.o.kit), channelOptions(maxFrameBytes(this.o.limits)));
    this.bulk = new BulkClient(this.o.kit, this.o.address);
    this.open();
  }

  private open(): void {
    if (this.stopped || !this.client) return;
    const stream = this.client.connect();
    let queue: Promise<void> = Promise.resolve();
    let gotFrame = false;
    const peer = new FramedPeer(stream as unknown as Duplex, requestHeaderSchema, this.o.limits, {
      onActivity: () => {
        heartbeat.heard();
        if (!gotFrame) {
          gotFrame = true;
          this.wait = this.o.backoff.initialMs;
          this.emit('connected');
        }
      },
      onMessage: (h, blobs) => {
        queue = queue.then(() => this.answer(peer, h, blobs));
      },
      onProtocolError: (e) => this.emit('protocol-error', e),
      bulkSource: async (h) => ({ stream: await this.bulk!.fetch(h.bulk!), finish: () => undefined }),
      onClose: (reason) => {
        heartbeat.stop();
        if (this.current?.peer === peer) this.current = null;
        this.emit('disconnected', reason);
        this.scheduleReconnect();
      },
    });
    const heartbeat = new HeartbeatMonitor(this.o.heartbeat, () => peer.heartbeat(), (ms) => {
      peer.close(`no heartbeat from the coordinator for ${ms} ms`);
      stream.cancel();
    });
    this.current = { peer, heartbeat };
    // The coordinator speaks only after the site's first frame; a heartbeat opens the stream.
    peer.heartbeat();
  }

  private async answer(peer: FramedPeer<RequestHeader>, h: RequestHeader, blobs: Uint8Array[]): Promise<void> {
    let reply: SiteReply;
    try {
      reply = await this.handler(joinRequest(h.body, blobs));
    } catch (e) {
      reply = { kind: 'error', siteId: this.o.kit.identity.name, error: asMedfedError(e).toJSON() };
    }
    const { body, blobs: out } = splitReply(reply);
    // Tensor bytes go on a bulk stream when the request offered one (bulk-wire.ts).
    const upload = h.upload !== undefined && out.some((b) => b.byteLength > 0) ? h.upload : undefined;
    try {
      await peer.send({ id: h.id, blobs: out.map((b) => b.byteLength), body, ...(upload ? { bulk: upload } : {}) }, out);
      if (upload) await this.bulk!.upload(upload, out);
    } catch (e) {
      // A reply that cannot go out is lost; the coordinator treats the site as failed. When its
      // header went out but its bytes could not follow, the connection is restarted so that the
      // coordinator does not wait for them.
      if (upload && !peer.isClosed) peer.abort(`the reply's bulk stream failed: ${(e as Error).message}`);
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const wait = this.wait;
    this.wait = Math.min(this.o.backoff.maxMs, this.wait * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.current?.heartbeat.stop();
    this.current?.peer.end();
    this.client?.close();
    this.bulk?.close();
  }
}
