import type { Http2Session, Http2SecureServer } from 'node:http2';
import type * as grpc from '@grpc/grpc-js';

/**
 * HTTP/2 flow-control window for every medfed connection, per stream and per connection, both
 * directions. HTTP/2's default is 64 KiB: a sender may then have only 64 KiB unacknowledged, so
 * a 200 MB update moves in thousands of send–wait–WINDOW_UPDATE steps, each one a wake-up of
 * both processes. With 4 MiB the bulk transfer costs about a third less CPU per byte (measured
 * in docs/transport.md). It also bounds what a receiver buffers for one connection that it has
 * not read yet: 4 MiB per site.
 */
export const flowControlWindowBytes = 4 * 1024 * 1024;

/**
 * The server side of the window: grpc-js sets the per-stream window from the credentials'
 * `settings` (tls.ts), but has no option for the connection's own window, so each new HTTP/2
 * session is widened here. Wraps grpc-js's internal `createHttp2Server` (checked at run time,
 * as tls-refusal-hook.ts does); without it the connection window stays at 64 KiB, which is
 * slower but correct.
 */
export function installSessionWindow(server: grpc.Server, bytes: number = flowControlWindowBytes): boolean {
  const internal = server as unknown as { createHttp2Server?: (credentials: unknown) => Http2SecureServer };
  const original = internal.createHttp2Server;
  if (typeof original !== 'function') return false;
  internal.createHttp2Server = function (this: unknown, credentials: unknown): Http2SecureServer {
    const http2Server = original.call(server, credentials);
    http2Server.on('session', (session: Http2Session) => {
      try {
        session.setLocalWindowSize(bytes);
      } catch {
        // a session closed before its settings went out: nothing to widen
      }
    });
    return http2Server;
  };
  return true;
}
