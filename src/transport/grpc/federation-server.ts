import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { AuditEvent } from '../../audit/events.js';
import { asMedfedError, ErrorCodes, MedfedError } from '../../core/errors.js';
import type { PeerIdentity, PeerVerification } from '../../pki/identity.js';
import type { StartupKit } from '../../pki/startup-kit.js';
import { adminRequestSchema, downloadRequestSchema, maxAdminRequestBytes, parseJsonDocument, type AdminReply, type ParsedAdminRequest } from './admin-protocol.js';
import { installBulkRoute } from './bulk-route-hook.js';
import { BulkRouter } from './bulk-router.js';
import { chunkFrame, headerFrame } from './frames.js';
import { GrpcSitePool } from './grpc-site-pool.js';
import { installSessionWindow } from './http2-windows.js';
import type { HeartbeatOptions } from './heartbeat.js';
import { medfedService } from './service.js';
import { installTlsRefusalHook } from './tls-refusal-hook.js';
import { authenticatePeer, channelOptions, peerLabel, serverCredentials } from './tls.js';
import { maxFrameBytes, type WireLimits } from './wire-limits.js';

/** What the coordinator does with admin calls; rights are checked here, by caller identity. */
export interface AdminHandler {
  handle(caller: PeerIdentity, request: ParsedAdminRequest): Promise<unknown>;
  /** The files of a job's result, relative path → bytes. */
  download(caller: PeerIdentity, jobId: string): Promise<Array<{ path: string; bytes: Uint8Array }>>;
}

export interface FederationServerOptions {
  readonly kit: StartupKit;
  readonly host: string;
  /** 0: the OS picks a free port. */
  readonly port: number;
  readonly limits: WireLimits;
  readonly heartbeat: HeartbeatOptions;
  readonly audit: (event: AuditEvent) => void;
  readonly admin: AdminHandler;
  readonly log?: (msg: string) => void;
}

export interface FederationServer {
  readonly port: number;
  readonly pool: GrpcSitePool;
  /** Issues and checks the tokens of the bulk streams; null when grpc-js offers no route for them. */
  readonly bulk: BulkRouter | null;
  close(): Promise<void>;
}

/**
 * The coordinator's gRPC endpoint with mutual TLS: site agents' Connect streams (role `site`
 * only) feed the site pool; admin calls go to the AdminHandler. Every refused peer is audited
 * as `connection_refused` with the reason, then the call is closed with UNAUTHENTICATED.
 */
export async function startFederationServer(o: FederationServerOptions): Promise<FederationServer> {
  const server = new grpc.Server(channelOptions(maxFrameBytes(o.limits)));
  const log = o.log ?? (() => undefined);

  const refuse = (v: PeerVerification, peer: string, reason: string) => {
    o.audit({ kind: 'connection_refused', peer: peerLabel(v, peer), reason });
    log(`refused ${peerLabel(v, peer)}: ${reason}`);
  };

  // Tensor bytes on bulk streams beside the Connect streams (bulk-wire.ts), when grpc-js lets medfed route them.
  const router = new BulkRouter(o.kit, refuse);
  const bulk = installBulkRoute(server, (stream, headers) => router.handle(stream, headers)) ? router : null;
  const pool = new GrpcSitePool(o.limits, o.heartbeat, bulk);
  installSessionWindow(server);
  installTlsRefusalHook(server, o.kit, (v, peer) => refuse(v, peer, v.ok ? 'refused' : `${v.reason}: ${v.detail}`));

  const authenticate = async (call: { getAuthContext(): { sslPeerCertificate?: import("node:tls").PeerCertificate } | null; getPeer(): string }): Promise<PeerIdentity | { refused: string }> => {
    const v = await authenticatePeer(call, o.kit);
    if (v.ok) return v.identity;
    const reason = `${v.reason}: ${v.detail}`;
    refuse(v, call.getPeer(), reason);
    return { refused: reason };
  };

  server.addService(medfedService, {
    connect: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      void authenticate(call).then((who) => {
        if ('refused' in who) return call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: `connection refused: ${who.refused}` });
        if (who.role !== 'site') {
          const reason = `no rights: a ${who.role} certificate cannot connect as a site agent`;
          refuse({ ok: true, identity: who }, call.getPeer(), reason);
          return call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: reason });
        }
        log(`site ${who.name} connected from ${call.getPeer()} (serial ${who.serial})`);
        const cert = call.getAuthContext()?.sslPeerCertificate?.raw;
        pool.attach(who.name, call as unknown as Duplex, cert ? new Uint8Array(cert) : undefined);
      });
    },
    admin: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      void (async () => {
        const who = await authenticate(call);
        if ('refused' in who) return callback({ code: grpc.status.UNAUTHENTICATED, details: `connection refused: ${who.refused}` });
        let reply: string;
        try {
          const req = parseJsonDocument(call.request, adminRequestSchema, 'admin request', maxAdminRequestBytes);
          reply = JSON.stringify({ ok: true, result: (await o.admin.handle(who, req)) ?? null });
        } catch (e) {
          reply = JSON.stringify({ ok: false, error: asMedfedError(e).toJSON() } satisfies AdminReply);
        }
        callback(null, Buffer.from(reply));
      })().catch((e: Error) => callback({ code: grpc.status.INTERNAL, details: e.message }));
    },
    download: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      void (async () => {
        const who = await authenticate(call);
        if ('refused' in who) return call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: `connection refused: ${who.refused}` });
        const { jobId } = parseJsonDocument(call.request, downloadRequestSchema, 'download request', 4096);
        const files = await o.admin.download(who, jobId);
        for (let i = 0; i < files.length; i++) {
          const f = files[i];
          await writeFrame(call, headerFrame(JSON.stringify({ id: i, blobs: [f.bytes.byteLength], body: { path: f.path } }), o.limits.maxHeaderBytes));
          for (let off = 0; off < f.bytes.byteLength; off += o.limits.chunkBytes) {
            await writeFrame(call, chunkFrame(i, 0, off, f.bytes.subarray(off, off + o.limits.chunkBytes)));
          }
        }
        call.end();
      })().catch((e: unknown) => {
        const err = asMedfedError(e);
        const code = err.code === ErrorCodes.CONFIG_INVALID ? grpc.status.PERMISSION_DENIED : grpc.status.FAILED_PRECONDITION;
        call.emit('error', { code, details: err.describe() });
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${o.host}:${o.port}`, serverCredentials(o.kit), (e, p) => (e ? reject(new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot listen on ${o.host}:${o.port}: ${e.message}`, { where: '--port', cause: e })) : resolve(p)));
  });
  return {
    port,
    pool,
    bulk,
    close: () =>
      new Promise<void>((resolve) => {
        pool.closeAll();
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000).unref();
      }),
  };
}

function writeFrame(call: grpc.ServerWritableStream<Buffer, Buffer>, frame: Buffer): Promise<void> {
  if (call.write(frame)) return Promise.resolve();
  return new Promise((resolve) => call.once('drain', () => resolve()));
}
