import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { verifyPeerCertificate, roleOf, type PeerVerification } from '../../pki/identity.js';
import { kitFiles, type StartupKit } from '../../pki/startup-kit.js';
import { flowControlWindowBytes } from './http2-windows.js';

/**
 * Mutual TLS from a startup kit. The server asks every client for a certificate but lets the
 * handshake finish even for a bad one (`rejectUnauthorized: false`): TLS still proves the client
 * holds the certificate's key, and the application then checks the certificate itself
 * (`authenticatePeer`: project CA, signature, CRL, validity, EKU, role) before it reads or
 * answers a single message, so that each refusal can be written to the audit trail with its
 * reason. A connection that fails that check is closed.
 */
class AuditableMtlsServerCredentials extends grpc.ServerCredentials {
  constructor(kit: StartupKit) {
    super(
      // The per-stream flow-control window this server grants (http2-windows.ts).
      { requestCert: true, rejectUnauthorized: false, settings: { initialWindowSize: flowControlWindowBytes } },
      { ca: kit.caPem, cert: kit.certPem, key: kit.keyPem, minVersion: 'TLSv1.2' },
    );
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

export function serverCredentials(kit: StartupKit): grpc.ServerCredentials {
  return new AuditableMtlsServerCredentials(kit);
}

/**
 * Client credentials: the kit's certificate and key, trusting only the project CA, and the
 * server must carry the coordinator role (a site or user certificate cannot pose as it).
 */
export function clientCredentials(kit: StartupKit): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(Buffer.from(kit.caPem), Buffer.from(kit.keyPem), Buffer.from(kit.certPem), { checkServerIdentity: checkCoordinatorIdentity });
}

/** The server's host name must match its certificate, and the certificate must carry the coordinator role. */
export function checkCoordinatorIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const hostError = checkServerIdentity(host, cert);
  if (hostError) return hostError;
  const role = cert.raw ? roleOf(cert.raw) : null;
  if (role?.role !== 'coordinator') return new Error(`the server at ${host} is not the project's coordinator (its certificate carries role ${role?.role ?? 'none'})`);
  return undefined;
}

/** The CRL currently in the kit folder (re-read each time, so a new crl.pem takes effect without a restart). */
export function currentCrl(kit: StartupKit): string | undefined {
  try {
    return readFileSync(join(kit.dir, kitFiles.crl), 'utf8');
  } catch {
    return kit.crlPem;
  }
}

/** Who is on the other end of a server call, checked against the project CA and CRL. */
export async function authenticatePeer(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } | null }, kit: StartupKit): Promise<PeerVerification> {
  const cert = call.getAuthContext()?.sslPeerCertificate;
  if (!cert?.raw) return { ok: false, reason: 'malformed', detail: 'the client presented no certificate' };
  return verifyPeerCertificate(cert.raw, { caCert: kit.caPem, crl: currentCrl(kit), usage: 'client' });
}

/** How a refused peer is named in the audit trail: subject and serial when known, else the address. */
export function peerLabel(v: PeerVerification, address: string): string {
  if (v.ok) return `${v.identity.name} (serial ${v.identity.serial}) from ${address}`;
  return `${v.subject ?? 'unknown subject'}${v.serial ? ` (serial ${v.serial})` : ''} from ${address}`;
}

/**
 * Channel options for every medfed channel and server (liveness is the Connect stream's own
 * heartbeat). On a channel, `grpc-node.flow_control_window` sets the window the client grants,
 * per stream and per connection (http2-windows.ts); a server sets its own in its credentials.
 */
export function channelOptions(maxFrame: number): grpc.ChannelOptions {
  return {
    'grpc.max_receive_message_length': maxFrame,
    'grpc.max_send_message_length': maxFrame,
    'grpc-node.flow_control_window': flowControlWindowBytes,
  };
}
