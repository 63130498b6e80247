import { constants as h2, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { verifyPeerCertificate, type PeerVerification } from '../../pki/identity.js';
import type { StartupKit } from '../../pki/startup-kit.js';
import { bulkTokenHeader, newBulkToken, writeBlobs } from './bulk-wire.js';
import { currentCrl } from './tls.js';

/** The blobs of one request, waiting for the site's GET. */
export interface BulkOffer {
  readonly token: string;
  /** Resolves when every byte was handed to the site's GET stream. */
  readonly sent: Promise<void>;
  /** Withdraw the token (the request settled); a transfer in progress is stopped. */
  cancel(): void;
}

/** A token for the site's POST of its reply's blobs. */
export interface BulkUpload {
  readonly token: string;
  /** The site's POST stream, once it has arrived and passed the checks; rejects after `timeoutMs`. */
  arrival(timeoutMs: number): Promise<ServerHttp2Stream>;
  /** Answer the POST: 200 when `error` is null, else the stream is reset. */
  finish(error: Error | null): void;
  cancel(): void;
}

interface Entry {
  readonly method: 'GET' | 'POST';
  readonly siteId: string;
  readonly accept: (stream: ServerHttp2Stream) => void;
}

/** How long one connection's certificate check is reused for its further bulk streams (the CRL unchanged). */
const verifiedForMs = 60_000;

const cancelled = () => new MedfedError(ErrorCodes.SITE_FAILURE, 'the bulk transfer was withdrawn: its request settled or the site disconnected');

/**
 * The coordinator's side of the bulk streams (bulk-wire.ts): issues one-time tokens on a site's
 * Connect stream and admits an HTTP/2 stream on `bulkPath` only when its client certificate
 * passes the same checks as the Connect stream's (project CA, CRL, validity, role `site`) and
 * names the site the token was issued to, with the method the token was issued for. Every
 * refused stream is reported through `onRefused` (audited as `connection_refused`) and answered
 * 401/403.
 */
export class BulkRouter {
  private readonly tokens = new Map<string, Entry>();
  private admittedStreams = 0;
  /** A site's bulk connection carries many streams: its certificate is checked once per CRL and minute, not per stream. */
  private readonly verified = new WeakMap<Http2Session, { readonly crl: string | undefined; readonly at: number; readonly result: Promise<PeerVerification> }>();

  constructor(
    private readonly kit: StartupKit,
    private readonly onRefused: (v: PeerVerification, address: string, reason: string) => void,
  ) {}

  /** Bulk streams admitted so far. */
  get admitted(): number {
    return this.admittedStreams;
  }

  /** Tokens issued and not yet used or withdrawn. */
  get outstanding(): number {
    return this.tokens.size;
  }

  offer(siteId: string, blobs: readonly Uint8Array[]): BulkOffer {
    const token = newBulkToken();
    let stream: ServerHttp2Stream | null = null;
    let fail: (e: Error) => void = () => undefined;
    const sent = new Promise<void>((resolve, reject) => {
      fail = reject;
      this.tokens.set(token, {
        method: 'GET',
        siteId,
        accept: (s) => {
          stream = s;
          s.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
          writeBlobs(s, blobs).then(() => {
            s.end();
            resolve();
          }, reject);
        },
      });
    });
    sent.catch(() => undefined);
    return {
      token,
      sent,
      cancel: () => {
        this.tokens.delete(token);
        fail(cancelled());
        if (stream && !stream.writableFinished) stream.destroy();
      },
    };
  }

  expectUpload(siteId: string): BulkUpload {
    const token = newBulkToken();
    let stream: ServerHttp2Stream | null = null;
    let arrived: (s: ServerHttp2Stream) => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;
    const came = new Promise<ServerHttp2Stream>((resolve, reject) => {
      arrived = resolve;
      fail = reject;
    });
    came.catch(() => undefined);
    this.tokens.set(token, { method: 'POST', siteId, accept: (s) => arrived((stream = s)) });
    return {
      token,
      arrival: (timeoutMs) => {
        const timer = setTimeout(() => fail(new MedfedError(ErrorCodes.SITE_FAILURE, `site ${siteId} announced a reply on a bulk stream and did not open it within ${timeoutMs} ms`, { hint: 'check that the site reaches the coordinator on a second connection and is not refused (audit log)' })), timeoutMs);
        return came.finally(() => clearTimeout(timer));
      },
      finish: (error) => {
        if (!stream || stream.destroyed) return;
        if (error) stream.close(h2.NGHTTP2_CANCEL);
        else stream.respond({ ':status': 200 }, { endStream: true });
      },
      cancel: () => {
        this.tokens.delete(token);
        fail(cancelled());
        if (stream && !stream.destroyed && !stream.headersSent) stream.close(h2.NGHTTP2_CANCEL);
      },
    };
  }

  /** An HTTP/2 stream on `bulkPath`: admitted to its token's transfer, or refused and reported. */
  handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => undefined); // a reset stream is reported to the transfer by its 'close'
    const socket = stream.session?.socket as TLSSocket | undefined;
    const address = `${socket?.remoteAddress ?? '?'}:${socket?.remotePort ?? '?'}`;
    const token = headers[bulkTokenHeader];
    const method = headers[':method'];
    const refuse = (v: PeerVerification, status: number, reason: string) => {
      this.onRefused(v, address, reason);
      if (stream.destroyed) return;
      stream.respond({ ':status': status }, { endStream: true });
      // The request body is not read: the stream ends here (RFC 9113 8.1: NO_ERROR after a complete response).
      stream.close(h2.NGHTTP2_NO_ERROR);
    };
    void this.verify(stream.session, socket).then(
      (v) => {
        if (!v.ok) return refuse(v, 401, `${v.reason}: ${v.detail}`);
        if (v.identity.role !== 'site') return refuse(v, 403, `no rights: a ${v.identity.role} certificate cannot open a bulk stream`);
        const entry = typeof token === 'string' ? this.tokens.get(token) : undefined;
        if (!entry) return refuse(v, 403, 'bulk stream with an unknown, withdrawn or already used token');
        if (entry.siteId !== v.identity.name) return refuse(v, 403, `bulk stream with a token issued to site ${entry.siteId}`);
        if (entry.method !== method) return refuse(v, 403, `bulk ${String(method)} stream with a token issued for ${entry.method}`);
        this.tokens.delete(token as string);
        if (stream.destroyed) return;
        this.admittedStreams++;
        entry.accept(stream);
      },
      (e: Error) => refuse({ ok: false, reason: 'malformed', detail: e.message }, 401, `malformed: ${e.message}`),
    );
  }

  private verify(session: Http2Session | undefined, socket: TLSSocket | undefined): Promise<PeerVerification> {
    const cert = socket?.getPeerCertificate?.();
    if (!cert?.raw) return Promise.resolve({ ok: false, reason: 'malformed', detail: 'the client presented no certificate' });
    const crl = currentCrl(this.kit);
    const cached = session ? this.verified.get(session) : undefined;
    if (cached && cached.crl === crl && Date.now() - cached.at < verifiedForMs) return cached.result;
    const result = verifyPeerCertificate(cert.raw, { caCert: this.kit.caPem, crl, usage: 'client' });
    if (session) this.verified.set(session, { crl, at: Date.now(), result });
    return result;
  }
}
