import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import { verifyPeerCertificate, type PeerVerification } from '../../pki/identity.js';
import type { StartupKit } from '../../pki/startup-kit.js';
import { currentCrl } from './tls.js';

/**
 * grpc-js hides the client certificate of a TLS connection that failed verification (another
 * CA, expired), so the per-call check could not say why it refuses one. This hook sees every
 * TLS connection as it is established: a connection whose client certificate TLS did not accept
 * is closed at once, before any gRPC frame is read, and then reported with the reason found by
 * `verifyPeerCertificate` on the certificate the client presented.
 *
 * It wraps grpc-js's internal `createHttp2Server` (checked for at run time). Without it (a
 * grpc-js version that lacks that method) such clients are still refused by the per-call check,
 * reported as presenting no acceptable certificate.
 */
export function installTlsRefusalHook(
  server: grpc.Server,
  kit: StartupKit,
  onRefused: (v: PeerVerification, address: string) => void,
): boolean {
  const internal = server as unknown as { createHttp2Server?: (credentials: unknown) => TlsServer };
  const original = internal.createHttp2Server;
  if (typeof original !== 'function') return false;
  internal.createHttp2Server = function (this: unknown, credentials: unknown): TlsServer {
    const http2Server = original.call(server, credentials);
    http2Server.prependListener('secureConnection', (socket: TLSSocket) => {
      if (socket.authorized) return;
      const address = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
      const tlsError = socket.authorizationError ? String(socket.authorizationError) : 'no client certificate';
      const cert = socket.getPeerCertificate();
      socket.destroy();
      const report = async (): Promise<PeerVerification> => {
        if (!cert?.raw) return { ok: false, reason: 'malformed', detail: `the client presented no certificate (TLS: ${tlsError})` };
        const v = await verifyPeerCertificate(cert.raw, { caCert: kit.caPem, crl: currentCrl(kit), usage: 'client' });
        return v.ok ? { ok: false, reason: 'malformed', detail: `TLS refused the certificate: ${tlsError}`, subject: v.identity.name, serial: v.identity.serial } : v;
      };
      void report().then(
        (v) => onRefused(v, address),
        (e: Error) => onRefused({ ok: false, reason: 'malformed', detail: `${tlsError}; ${e.message}` }, address),
      );
    });
    return http2Server;
  };
  return true;
}
