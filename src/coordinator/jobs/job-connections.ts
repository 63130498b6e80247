import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { JobRef, SiteReply, SiteRequest } from '../../core/messages.js';
import type { SiteConnection } from '../../transport/transport.js';
import type { SitePool } from './site-pool.js';

/**
 * The connection to one participant of a job: looked up in the pool on every request (a site that
 * restarted and reconnected is reached through its new connection), with the job spec attached to
 * "stats" and "prepare" so the site can admit the job and find its data. A site that is not
 * connected answers with an error reply like any failing site.
 */
export function jobConnection(pool: SitePool, siteId: string, job: JobRef): SiteConnection {
  return {
    siteId,
    async request(req: SiteRequest): Promise<SiteReply> {
      const conn = pool.connected().find((c) => c.siteId === siteId);
      if (!conn) {
        const error = new MedfedError(ErrorCodes.SITE_FAILURE, `site ${siteId} is not connected`, { hint: 'start the site agent; it rejoins the job when it connects' });
        return { kind: 'error', siteId, error: error.toJSON() };
      }
      return conn.request(req.kind === 'stats' || req.kind === 'prepare' ? { ...req, job } : req);
    },
  };
}
