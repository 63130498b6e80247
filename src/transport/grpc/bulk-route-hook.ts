import type { Http2SecureServer, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type * as grpc from '@grpc/grpc-js';
import { bulkPath } from './bulk-wire.js';

/**
 * Routes HTTP/2 streams on `bulkPath` to medfed before grpc-js sees them (grpc-js would answer
 * any path it does not serve with UNIMPLEMENTED); every other stream goes to grpc-js's own
 * handler unchanged. Wraps grpc-js's internal `createHttp2Server`, as http2-windows.ts and
 * tls-refusal-hook.ts do (checked at run time): without it (a grpc-js without that method)
 * there is no bulk route, and the coordinator must not offer bulk streams — hence the result.
 */
export function installBulkRoute(server: grpc.Server, route: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): boolean {
  const internal = server as unknown as { createHttp2Server?: (credentials: unknown) => Http2SecureServer };
  const original = internal.createHttp2Server;
  if (typeof original !== 'function') return false;
  internal.createHttp2Server = function (this: unknown, credentials: unknown): Http2SecureServer {
    const http2Server = original.call(server, credentials);
    const grpcHandlers = http2Server.listeners('stream') as Array<(...args: unknown[]) => void>;
    http2Server.removeAllListeners('stream');
    http2Server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, ...rest: unknown[]) => {
      if (headers[':path'] === bulkPath) return route(stream, headers);
      for (const h of grpcHandlers) h.call(http2Server, stream, headers, ...rest);
    });
    return http2Server;
  };
  return true;
}
