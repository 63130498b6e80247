import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../audit/events.js';
import { JobManager } from '../coordinator/jobs/job-manager.js';
import type { JobRunHooks } from '../coordinator/jobs/job-runner.js';
import { PgliteJobStore } from '../coordinator/jobs/pglite-store.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { readStartupKit } from '../pki/startup-kit.js';
import { startFederationServer, type FederationServer } from '../transport/grpc/federation-server.js';
import type { HeartbeatOptions } from '../transport/grpc/heartbeat.js';
import { defaultWireLimits } from '../transport/grpc/wire-limits.js';
import { jobAdminHandler } from './admin-rights.js';
import { openAuditLog } from './audit-file.js';
import { auditKeyFiles, readAuditPrivateKeyFile, writeAuditKeyPair } from './audit-keys.js';

export interface CoordinatorOptions {
  readonly kitDir: string;
  /** Everything the coordinator keeps: job database, checkpoints, results, audit log and key. */
  readonly dataDir: string;
  readonly host?: string;
  /** Default: the port in the kit; 0 lets the OS choose. */
  readonly port?: number;
  readonly heartbeat?: HeartbeatOptions;
  readonly waitForSitesMs?: number;
  /** After a restart: how long to wait for the participants of running jobs to reconnect before resuming them (default 30 s). */
  readonly resumeGraceMs?: number;
  readonly hooks?: JobRunHooks;
  readonly log?: (msg: string) => void;
}

export interface RunningCoordinator {
  readonly port: number;
  readonly server: FederationServer;
  readonly jobs: JobManager;
  readonly auditLog: string;
  close(): Promise<void>;
}

/** Paths inside the coordinator's data folder. */
export function coordinatorPaths(dataDir: string, node: string) {
  const auditDir = join(dataDir, 'audit');
  return { db: join(dataDir, 'db'), auditDir, auditLog: join(auditDir, `${node}.audit.jsonl`), auditKey: join(auditDir, auditKeyFiles.privateKey(node)) };
}

/**
 * The coordinator process: mTLS gRPC server + job engine. All state is in the data folder (the
 * job database, checkpoints written before each round is recorded, the fsync'ed audit log), so a
 * `kill -9` loses at most the round in progress; on start, running jobs resume.
 */
export async function startCoordinator(o: CoordinatorOptions): Promise<RunningCoordinator> {
  const kit = readStartupKit(o.kitDir);
  if (kit.identity.role !== 'coordinator') {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the kit in ${o.kitDir} is a ${kit.identity.role} kit, not the coordinator's`, { where: o.kitDir });
  }
  const node = kit.identity.name;
  const paths = coordinatorPaths(o.dataDir, node);
  // First start: create the coordinator's audit key (its public half goes in audit-keys.json beside it).
  if (!existsSync(paths.auditKey)) writeAuditKeyPair(paths.auditDir, node);
  const audit = openAuditLog(paths.auditLog, { node, privateKey: readAuditPrivateKeyFile(paths.auditKey) });
  const append = (e: AuditEvent) => audit.append(e);
  const log = o.log ?? (() => undefined);
  const store = await PgliteJobStore.open(paths.db);
  let jobs: JobManager | undefined;
  const server = await startFederationServer({
    kit,
    host: o.host ?? '0.0.0.0',
    port: o.port ?? kit.manifest.coordinator.port,
    limits: defaultWireLimits,
    heartbeat: o.heartbeat ?? { intervalMs: 5_000, timeoutMs: 20_000 },
    audit: append,
    admin: {
      handle: (who, req) => jobAdminHandler(jobs!, append).handle(who, req),
      download: (who, id) => jobAdminHandler(jobs!, append).download(who, id),
    },
    log,
  });
  server.pool.on('connected', (id: string) => log(`site ${id} connected`));
  server.pool.on('disconnected', (id: string, why: string) => log(`site ${id} disconnected: ${why}`));
  await awaitParticipants(store, server, o.resumeGraceMs ?? 30_000, log);
  jobs = new JobManager({ store, dataDir: o.dataDir, sites: server.pool, audit: { append }, waitForSitesMs: o.waitForSitesMs, hooks: o.hooks });
  await jobs.start();
  return {
    port: server.port,
    server,
    jobs,
    auditLog: paths.auditLog,
    close: async () => {
      await jobs!.close();
      await server.close();
      audit.close();
    },
  };
}

/**
 * Sites reconnect a moment after a coordinator restart (their backoff); resuming a job before its
 * participants are back would fail its first request. Wait until every participant of a running
 * job is connected again, or the grace period ends (then the job resumes with whoever is there).
 */
async function awaitParticipants(store: PgliteJobStore, server: FederationServer, graceMs: number, log: (m: string) => void): Promise<void> {
  const running = await store.listJobs(['running']);
  const wanted = new Set(running.flatMap((j) => j.participants ?? []));
  if (wanted.size === 0) return;
  log(`resuming ${running.length} job(s); waiting up to ${graceMs} ms for sites ${[...wanted].join(', ')}`);
  const end = Date.now() + graceMs;
  const missing = () => [...wanted].filter((id) => !server.pool.connected().some((c) => c.siteId === id));
  while (missing().length > 0 && Date.now() < end) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        server.pool.off('connected', done);
        resolve();
      };
      const t = setTimeout(done, Math.min(500, Math.max(0, end - Date.now())));
      server.pool.on('connected', done);
    });
  }
  if (missing().length > 0) log(`resuming without ${missing().join(', ')} (not reconnected after ${graceMs} ms)`);
}
