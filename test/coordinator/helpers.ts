import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import type { AuditEvent } from '../../src/audit/events.js';
import { JobManager } from '../../src/coordinator/jobs/job-manager.js';
import type { JobRunHooks } from '../../src/coordinator/jobs/job-runner.js';
import { InMemorySitePool, runtimeConnection } from '../../src/coordinator/jobs/memory-site-pool.js';
import { PgliteJobStore } from '../../src/coordinator/jobs/pglite-store.js';
import type { SiteReply, SiteRequest } from '../../src/core/messages.js';
import { partitionIid } from '../../src/data/partition.js';
import { getEngine } from '../../src/engine/registry.js';
import { jobSiteData } from '../../src/node/job-site-data.js';
import { SiteRuntime, type SiteRuntimeOptions } from '../../src/site/site-runtime.js';
import type { SiteConnection } from '../../src/transport/transport.js';

export const root = resolve(import.meta.dirname, '../../..');
export const heartCsv = join(root, 'data/heart/statlog_heart.csv');
export const heartSchemaFile = join(root, 'data/heart/schema.yaml');
export const ENGINE = 'tfjs-wasm';
export const VERSION = '0.0.0-test';
export const SEED = 11;
export const ROUNDS = 4;
export const SITE_IDS = ['site-1', 'site-2', 'site-3'];

/** The rows of each site: the simulator's iid partition of the 270 patients (same seed), so both paths see the same rows. */
export const siteRows = new Map(partitionIid(270, { sites: 3, seed: SEED }).map((p) => [p.siteId, p.indices]));

export const training = { epochs: 1, batchSize: 16, optimizer: { name: 'sgd' as const, lr: 0.05 } };
export const layers = [{ type: 'dense' as const, units: 8, activation: 'relu' as const }, { type: 'dense' as const, units: 2 }];

export function jobSpecYaml(o: { name?: string; strategy?: string; rounds?: number; minSites?: number; deadlineSeconds?: number } = {}): string {
  return stringify({
    name: o.name ?? 'heart-job',
    seed: SEED,
    dataset: 'heart',
    schema: parseYaml(readFileSync(heartSchemaFile, 'utf8')),
    testFraction: 0.25,
    normalize: 'federated-zscore',
    federation: { rounds: o.rounds ?? ROUNDS, fractionFit: 1, minSites: o.minSites ?? 2, roundDeadlineSeconds: o.deadlineSeconds ?? 120, k: 5 },
    training,
    model: { name: 'mlp', layers },
    strategy: { name: o.strategy ?? 'fedavg', options: {} },
  });
}

/** A deployment site in this process: its own rows of the heart file for the data set "heart". */
// One engine initialisation for the whole process (concurrent first calls to getEngine('tfjs-wasm') race).
let engine: ReturnType<typeof getEngine> | undefined;
const sharedEngine = () => (engine ??= getEngine(ENGINE));

export function heartSite(siteId: string, options: Omit<SiteRuntimeOptions, 'jobs'> = {}): SiteRuntime {
  return new SiteRuntime(siteId, undefined, sharedEngine, {
    ...options,
    jobs: { version: VERSION, dataFor: (job) => jobSiteData(job, siteId, { file: heartCsv, rows: siteRows.get(siteId) }) },
  });
}

/** A connection that lets a test intercept requests (fail, delay, count). */
export function interceptedConnection(
  inner: SiteConnection,
  intercept: (req: SiteRequest, forward: () => Promise<SiteReply>) => Promise<SiteReply>,
): SiteConnection {
  return { siteId: inner.siteId, request: (req) => intercept(req, () => inner.request(req)) };
}

export function heartPool(wrap?: (c: SiteConnection) => SiteConnection): { pool: InMemorySitePool; sites: SiteRuntime[] } {
  const sites = SITE_IDS.map((id) => heartSite(id));
  const pool = new InMemorySitePool(sites.map((s) => (wrap ? wrap(runtimeConnection(s)) : runtimeConnection(s))));
  return { pool, sites };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `medfed-${prefix}-`));
}

export async function openManager(dataDir: string, pool: InMemorySitePool, o: { hooks?: JobRunHooks; audit?: AuditEvent[] } = {}): Promise<JobManager> {
  const store = await PgliteJobStore.open(join(dataDir, 'db'));
  return new JobManager({
    store,
    dataDir,
    sites: pool,
    version: VERSION,
    waitForSitesMs: 5_000,
    hooks: o.hooks,
    audit: o.audit ? { append: (e) => o.audit!.push(e) } : undefined,
  });
}

/** Submit, run to the end, and return the final-weights hash (closing the manager). */
export async function runJobToEnd(dataDir: string, pool: InMemorySitePool, specYaml: string): Promise<string> {
  const m = await openManager(dataDir, pool);
  try {
    const { jobId } = await m.submit(specYaml, 'tester');
    await m.start();
    const s = await m.wait(jobId);
    if (s.state !== 'completed') throw new Error(`job ${jobId} ${s.state}: ${s.error}`);
    return (await m.download(jobId)).results.runs[0].finalWeightsSha256;
  } finally {
    await m.close();
  }
}
