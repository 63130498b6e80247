import type { AuditEvent } from '../../src/audit/events.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import type { SiteReply, SiteRequest } from '../../src/core/messages.js';
import type { StartupKit } from '../../src/pki/startup-kit.js';
import { startFederationServer, type FederationServer } from '../../src/transport/grpc/federation-server.js';
import type { HeartbeatOptions } from '../../src/transport/grpc/heartbeat.js';
import { SiteClient } from '../../src/transport/grpc/site-client.js';
import { defaultWireLimits, type WireLimits } from '../../src/transport/grpc/wire-limits.js';

export interface TestServer {
  readonly server: FederationServer;
  readonly audits: AuditEvent[];
  readonly address: string;
}

export async function startTestServer(kit: StartupKit, heartbeat: HeartbeatOptions = { intervalMs: 200, timeoutMs: 2000 }, limits: WireLimits = defaultWireLimits): Promise<TestServer> {
  const audits: AuditEvent[] = [];
  const server = await startFederationServer({
    kit,
    host: '127.0.0.1',
    port: 0,
    limits,
    heartbeat,
    audit: (e) => audits.push(e),
    admin: {
      handle: async () => {
        throw new MedfedError(ErrorCodes.INTERNAL, 'no admin calls in this test');
      },
      download: async () => [],
    },
  });
  return { server, audits, address: `127.0.0.1:${server.port}` };
}

export function startTestSite(
  kit: StartupKit,
  address: string,
  handler: (r: SiteRequest) => Promise<SiteReply>,
  heartbeat: HeartbeatOptions = { intervalMs: 200, timeoutMs: 2000 },
): SiteClient {
  const c = new SiteClient({ kit, address, limits: defaultWireLimits, heartbeat, backoff: { initialMs: 50, maxMs: 500 } }, (r) => handler(r));
  c.start();
  return c;
}

export function waitForEvent<T extends unknown[]>(emitter: { once(ev: string, cb: (...a: T) => void): unknown }, event: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...a: T) => {
      clearTimeout(t);
      resolve(a);
    });
  });
}
