import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { ErrorCodes, MedfedError, type SerializedError } from '../../core/errors.js';
import type { StartupKit } from '../../pki/startup-kit.js';
import { adminReplySchema, downloadFileHeaderSchema, parseJsonDocument, safeRelativePath, type AdminRequest, type DownloadFileHeader } from './admin-protocol.js';
import { FramedPeer } from './framed-peer.js';
import { MedfedClientConstructor, type MedfedClient } from './service.js';
import { channelOptions, clientCredentials } from './tls.js';
import { defaultWireLimits, maxFrameBytes } from './wire-limits.js';

/** The address in a kit: `host:port` of the coordinator (an override wins). */
export function coordinatorAddress(kit: StartupKit, override?: string): string {
  return override ?? `${kit.manifest.coordinator.host}:${kit.manifest.coordinator.port}`;
}

function connectError(e: grpc.ServiceError, address: string): MedfedError {
  const denied = e.code === grpc.status.UNAUTHENTICATED || e.code === grpc.status.PERMISSION_DENIED;
  return new MedfedError(denied ? ErrorCodes.CONFIG_INVALID : ErrorCodes.SITE_FAILURE, `coordinator ${address}: ${e.details || e.message}`, {
    hint: denied ? 'the coordinator refused this kit (see its audit log)' : 'check that the coordinator runs and that host and port are right',
  });
}

function client(kit: StartupKit, address: string): MedfedClient {
  return new MedfedClientConstructor(address, clientCredentials(kit), channelOptions(maxFrameBytes(defaultWireLimits)));
}

/** One admin call with this kit's identity; the coordinator's error comes back as a MedfedError. */
export function adminCall(kit: StartupKit, address: string, request: AdminRequest, timeoutMs = 60_000): Promise<unknown> {
  const c = client(kit, address);
  return new Promise<unknown>((resolve, reject) => {
    const deadline = new Date(Date.now() + timeoutMs);
    c.waitForReady(deadline, (ready) => {
      if (ready) return reject(new MedfedError(ErrorCodes.SITE_FAILURE, `cannot reach the coordinator at ${address}: ${ready.message}`, { hint: 'check that it runs and that host and port are right' }));
      c.admin(Buffer.from(JSON.stringify(request)), (e, res) => {
        if (e) return reject(connectError(e, address));
        try {
          const reply = parseJsonDocument(res!, adminReplySchema, 'coordinator reply', 64 * 1024 * 1024);
          if (reply.ok) resolve(reply.result);
          else reject(MedfedError.fromJSON(reply.error as SerializedError));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }).finally(() => c.close());
}

/** Download a job's result files into `outDir`; returns the relative paths written. */
export function downloadJob(kit: StartupKit, address: string, jobId: string, outDir: string): Promise<string[]> {
  const c = client(kit, address);
  const written: string[] = [];
  return new Promise<string[]>((resolve, reject) => {
    const stream = c.download(Buffer.from(JSON.stringify({ jobId })));
    let failed = false;
    const peer = new FramedPeer<DownloadFileHeader>(stream as unknown as Duplex, downloadFileHeaderSchema, defaultWireLimits, {
      onMessage: (h, blobs) => {
        if (!safeRelativePath(h.body.path)) {
          failed = true;
          reject(new MedfedError(ErrorCodes.FORMAT_INVALID, `the coordinator sent an unsafe file name "${h.body.path}"`));
          stream.cancel();
          return;
        }
        const target = join(outDir, h.body.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, blobs[0]);
        written.push(h.body.path);
      },
      onProtocolError: (e) => {
        failed = true;
        reject(e);
      },
      onClose: () => undefined,
    });
    stream.on('error', (e: grpc.ServiceError) => {
      failed = true;
      reject(connectError(e, address));
    });
    stream.on('end', () => {
      if (!failed) resolve(written);
    });
    void peer;
  }).finally(() => c.close());
}
