import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { SiteReply, SiteRequest } from '../../core/messages.js';
import type { SitePool } from '../../coordinator/jobs/site-pool.js';
import type { SiteConnection } from '../transport.js';
import type { HeartbeatOptions } from './heartbeat.js';
import type { BulkRouter } from './bulk-router.js';
import { SiteLink, type ReplyConsumer } from './site-link.js';
import type { WireLimits } from './wire-limits.js';

/**
 * The sites connected to this coordinator (the job engine's SitePool), one `SiteConnection` per
 * authenticated site name. A connection is stable across reconnects: a request goes over the
 * site's current stream; a site that restarted is re-prepared by the job engine
 * (JOB_NOT_PREPARED → prepare again). Emits 'connected' (siteId) and 'disconnected' (siteId, reason).
 */
export class GrpcSitePool extends EventEmitter implements SitePool {
  private readonly links = new Map<string, SiteLink>();
  private readonly conns = new Map<string, SiteConnection>();
  private readonly certificates = new Map<SiteLink, Uint8Array>();
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly limits: WireLimits,
    private readonly heartbeat: HeartbeatOptions,
    /** Where sites fetch and post tensor bytes beside their Connect stream; null: chunk frames on it. */
    private readonly bulk: BulkRouter | null = null,
  ) {
    super();
  }

  /** Attach an authenticated site's stream (with the DER certificate it authenticated with); an older stream of the same site is closed. */
  attach(siteId: string, stream: Duplex, certificate?: Uint8Array): SiteLink {
    this.links.get(siteId)?.close('replaced by a new connection of the same site');
    const link = new SiteLink(siteId, stream, this.limits, this.heartbeat, (l, reason) => {
      this.certificates.delete(l);
      if (this.links.get(siteId) === l) {
        this.links.delete(siteId);
        this.emit('disconnected', siteId, reason);
      }
    }, this.bulk);
    this.links.set(siteId, link);
    if (certificate) this.certificates.set(link, certificate);
    if (!this.conns.has(siteId)) this.conns.set(siteId, { siteId, request: (req) => this.request(siteId, req) });
    this.emit('connected', siteId);
    for (const w of [...this.waiters]) w();
    return link;
  }

  /** Sites with a live stream now. */
  connected(): SiteConnection[] {
    return [...this.links.keys()].sort().map((id) => this.conns.get(id)!);
  }

  /** The certificate of the site's current connection (for audit-head anchoring). */
  certificateOf(siteId: string): Uint8Array | undefined {
    const link = this.links.get(siteId);
    return link ? this.certificates.get(link) : undefined;
  }

  /** Resolves once at least `n` sites are connected; QUORUM_NOT_MET after `timeoutMs`. */
  waitFor(n: number, timeoutMs: number): Promise<SiteConnection[]> {
    if (this.links.size >= n) return Promise.resolve(this.connected());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.links.size < n) return;
        cleanup();
        resolve(this.connected());
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new MedfedError(ErrorCodes.QUORUM_NOT_MET, `${this.links.size} of ${n} sites connected after ${timeoutMs} ms (${[...this.links.keys()].join(', ') || 'none'})`, {
          hint: 'start the missing site agents, check they reach the coordinator (host, port, firewall) and are not refused (coordinator audit log)',
        }));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /**
   * Send `req` to a site; with a `consumer` the reply's blobs stream into it as they arrive
   * (see ReplyConsumer) instead of being held whole, and the reply carries empty arrays for them.
   */
  request(siteId: string, req: SiteRequest, consumer?: ReplyConsumer): Promise<SiteReply> {
    const link = this.links.get(siteId);
    if (!link) return Promise.reject(new MedfedError(ErrorCodes.SITE_FAILURE, `site ${siteId} is not connected`, { hint: 'the site rejoins when its agent reconnects' }));
    return link.request(req, consumer);
  }

  /** Close every stream (coordinator shutdown). */
  closeAll(): void {
    for (const l of this.links.values()) l.close('the coordinator is shutting down');
  }
}
