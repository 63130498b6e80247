import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { isIP } from 'node:net';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { StartupKit } from '../../pki/startup-kit.js';
import { bulkPath, bulkTokenHeader, writeBlobs } from './bulk-wire.js';
import { flowControlWindowBytes } from './http2-windows.js';
import { checkCoordinatorIdentity } from './tls.js';

/**
 * The site's side of the bulk streams (bulk-wire.ts): one HTTP/2 connection to the coordinator
 * with the site's certificate (mutual TLS, the server must carry the coordinator role, as for
 * the Connect stream), opened on first use and again after it closed; the same 4 MiB
 * flow-control windows as the Connect stream (http2-windows.ts).
 */
export class BulkClient {
  private session: ClientHttp2Session | null = null;

  constructor(private readonly kit: StartupKit, private readonly address: string) {}

  private connection(): ClientHttp2Session {
    const s = this.session;
    if (s && !s.closed && !s.destroyed) return s;
    const authority = `https://${this.address}`;
    const host = new URL(authority).hostname.replace(/^\[(.*)\]$/, '$1');
    const session = connect(authority, {
      // SNI carries host names only; the certificate is still checked against an IP address.
      servername: isIP(host) ? '' : host,
      ca: this.kit.caPem,
      cert: this.kit.certPem,
      key: this.kit.keyPem,
      minVersion: 'TLSv1.2',
      checkServerIdentity: checkCoordinatorIdentity,
      settings: { initialWindowSize: flowControlWindowBytes },
    });
    session.on('error', () => undefined); // each stream reports its own failure
    session.once('connect', () => {
      try {
        session.setLocalWindowSize(flowControlWindowBytes);
      } catch {
        // closed before its settings went out
      }
    });
    this.session = session;
    return session;
  }

  private open(method: 'GET' | 'POST', token: string): ClientHttp2Stream {
    return this.connection().request({ ':method': method, ':path': bulkPath, [bulkTokenHeader]: token }, { endStream: method === 'GET' });
  }

  /** The coordinator's blobs for a request announced with `bulk: token`: a stream of their bytes, once the coordinator answered 200. */
  fetch(token: string): Promise<ClientHttp2Stream> {
    const stream = this.open('GET', token);
    return answered(stream, 'fetching a request\'s tensors').then(() => stream);
  }

  /** Send a reply's blobs on a POST with the request's `upload` token; resolves when the coordinator confirmed it received them all. */
  async upload(token: string, blobs: readonly Uint8Array[]): Promise<void> {
    const stream = this.open('POST', token);
    const confirmed = answered(stream, 'sending a reply\'s tensors');
    confirmed.catch(() => stream.destroy());
    await writeBlobs(stream, blobs);
    stream.end();
    await confirmed;
  }

  close(): void {
    this.session?.close();
    this.session = null;
  }
}

/** Resolves on a 200 response; rejects on any other status or a stream that closed without one. */
function answered(stream: ClientHttp2Stream, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (detail: string) =>
      reject(new MedfedError(ErrorCodes.SITE_FAILURE, `${what} on a bulk stream failed: ${detail}`, { hint: 'the coordinator refused the stream or the connection dropped; see the coordinator\'s audit log' }));
    stream.once('response', (headers) => {
      const status = Number(headers[':status']);
      if (status === 200) resolve();
      else failed(`the coordinator answered ${status}`);
    });
    stream.once('error', (e: Error) => failed(e.message));
    stream.once('close', () => failed('the stream closed before the coordinator answered'));
  });
}
