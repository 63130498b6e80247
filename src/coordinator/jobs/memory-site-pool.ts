import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { SiteReply, SiteRequest } from '../../core/messages.js';
import type { SiteRuntime } from '../../site/site-runtime.js';
import type { SiteConnection } from '../../transport/transport.js';
import type { SitePool } from './site-pool.js';

/** A SiteConnection to a SiteRuntime in this process (tests, single-process demos). */
export function runtimeConnection(runtime: SiteRuntime): SiteConnection {
  return { siteId: runtime.siteId, request: (req: SiteRequest): Promise<SiteReply> => runtime.handle(req) };
}

/** A SitePool held in memory: sites connect and disconnect by calling `connect` / `disconnect`. */
export class InMemorySitePool implements SitePool {
  private readonly sites = new Map<string, SiteConnection>();
  private readonly waiters = new Set<() => void>();

  constructor(initial: readonly SiteConnection[] = []) {
    for (const c of initial) this.sites.set(c.siteId, c);
  }

  /** Add a site, or replace its connection (a restarted site). */
  connect(conn: SiteConnection): void {
    this.sites.set(conn.siteId, conn);
    for (const w of [...this.waiters]) w();
  }

  disconnect(siteId: string): void {
    this.sites.delete(siteId);
  }

  connected(): SiteConnection[] {
    return [...this.sites.values()];
  }

  waitFor(n: number, timeoutMs: number): Promise<SiteConnection[]> {
    if (this.sites.size >= n) return Promise.resolve(this.connected());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.sites.size < n) return;
        cleanup();
        resolve(this.connected());
      };
      const timer = setTimeout(() => {
        cleanup();
        const ids = [...this.sites.keys()].sort();
        reject(new MedfedError(ErrorCodes.QUORUM_NOT_MET, `${ids.length} site(s) connected (${ids.join(', ') || 'none'}) after ${timeoutMs} ms; ${n} needed`, {
          hint: 'start more site agents, or lower federation.minSites',
        }));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}
