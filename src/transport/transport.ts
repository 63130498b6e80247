import type { SiteReply, SiteRequest } from '../core/messages.js';

/**
 * The coordinator's view of one site: send a request, get the site's reply. Adapters make this
 * real: in-memory worker threads (simulator), gRPC with mTLS (deployment), WebSocket (browser).
 * The coordinator core never knows which one it talks to.
 */
export interface SiteConnection {
  readonly siteId: string;
  request(req: SiteRequest): Promise<SiteReply>;
}
