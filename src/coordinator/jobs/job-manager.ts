import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../../audit/events.js';
import { asMedfedError, ErrorCodes, MedfedError } from '../../core/errors.js';
import { jobHash, parseJobSpec } from '../../core/job-spec.js';
import { bytesSha256 } from '../../core/weights-hash.js';
import { toolVersion } from '../../node/tool-version.js';
import { parseResults, type Results } from '../../report/results-schema.js';
import { getStrategy, parseStrategyOptions } from '../../strategies/registry.js';
import { jobDir } from './checkpoints.js';
import { runJob, type JobRunHooks } from './job-runner.js';
import { jobStatus, type JobStatus } from './job-status.js';
import type { SitePool } from './site-pool.js';
import { finishedStates, type JobEvent, type JobRecord, type JobStore } from './store.js';

/** Where the job engine writes audit events (the coordinator's signed log, src/node/audit-file.ts). */
export interface AuditSink {
  append(event: AuditEvent): unknown;
}

export interface JobManagerOptions {
  readonly store: JobStore;
  /** DATA_DIR: checkpoints and outputs go to DATA_DIR/jobs/<id>/. */
  readonly dataDir: string;
  readonly sites: SitePool;
  readonly audit?: AuditSink;
  /** How long a starting job waits for federation.minSites connected sites (default 10 minutes). */
  readonly waitForSitesMs?: number;
  /** medfed version in job hashes (default: this package's). */
  readonly version?: string;
  readonly hooks?: JobRunHooks;
}

export interface JobDownload {
  /** Final global weights, safetensors bytes (sha256 = results.runs[0].finalWeightsSha256). */
  readonly weights: Uint8Array;
  readonly results: Results;
  readonly reportHtml: string;
}

/** Why a runner stopped without a verdict: the coordinator is shutting down; the job stays "running" and resumes. */
const SHUTDOWN = new MedfedError(ErrorCodes.JOB_ABORTED, 'the coordinator is shutting down; the job resumes when it starts again');

/**
 * The coordinator's job engine: submit, list, status, abort, logs and download; runs several jobs
 * at once, each through runJob, and on start resumes the jobs that were running (from their last
 * checkpoint). Independent of the transport: sites come from a SitePool.
 */
export class JobManager {
  private readonly runners = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly version: string;
  private started = false;
  private closing = false;

  constructor(private readonly o: JobManagerOptions) {
    this.version = o.version ?? toolVersion();
  }

  /** Validate and record a job; it runs once the manager is started. */
  async submit(specYaml: string, submitter: string): Promise<{ jobId: string; jobHash: string }> {
    this.checkOpen();
    const spec = parseJobSpec(specYaml);
    getStrategy(spec.strategy.name, 'strategy.name');
    parseStrategyOptions(spec.strategy.name, spec.strategy.options, 'strategy.options');
    const hash = jobHash(specYaml, this.version);
    const jobId = `${spec.name}-${randomUUID().slice(0, 8)}`;
    await this.o.store.createJob({ id: jobId, name: spec.name, specYaml, jobHash: hash, submitter });
    await this.o.audit?.append({ kind: 'job_submitted', jobId, jobHash: hash, by: submitter });
    await this.o.store.appendEvent(jobId, 'info', `job submitted by ${submitter}`, { jobHash: hash });
    if (this.started) void this.schedule();
    return { jobId, jobHash: hash };
  }

  async list(): Promise<JobStatus[]> {
    const jobs = await this.o.store.listJobs();
    return Promise.all(jobs.map((j) => this.describe(j)));
  }

  async status(id: string): Promise<JobStatus> {
    return this.describe(await this.job(id));
  }

  /** Stop a job (submitted or running); it ends "aborted". */
  async abort(id: string, by: string): Promise<JobStatus> {
    const reason = `aborted by ${by}`;
    // A running job is signalled at once (it stops at its next await), the bookkeeping follows.
    const runner = this.runners.get(id);
    runner?.controller.abort(new MedfedError(ErrorCodes.JOB_ABORTED, reason));
    const job = await this.job(id);
    if (!runner && finishedStates.includes(job.state)) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `job ${id} is already ${job.state}`, { where: id });
    }
    await this.o.audit?.append({ kind: 'admin_action', actor: by, action: 'abort job', target: id });
    await this.o.store.appendEvent(id, 'warn', reason, { by });
    if (runner) await runner.done;
    else await this.o.store.transition(id, ['submitted', 'running'], 'aborted', reason);
    return this.status(id);
  }

  async logs(id: string, since?: number): Promise<JobEvent[]> {
    await this.job(id);
    return this.o.store.events(id, since);
  }

  async download(id: string): Promise<JobDownload> {
    const job = await this.job(id);
    const dir = jobDir(this.o.dataDir, id);
    if (job.state !== 'completed' || !existsSync(join(dir, 'results.json'))) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `job ${id} is ${job.state}; only a completed job can be downloaded`, { where: id });
    }
    const results = parseResults(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')), join(dir, 'results.json'));
    const weights = new Uint8Array(readFileSync(join(dir, 'final.safetensors')));
    if (bytesSha256(weights) !== results.runs[0].finalWeightsSha256) {
      throw new MedfedError(ErrorCodes.FORMAT_INVALID, `job ${id}: final.safetensors does not match the hash in results.json`, { where: join(dir, 'final.safetensors') });
    }
    return { weights, results, reportHtml: readFileSync(join(dir, 'report.html'), 'utf8') };
  }

  /** Resume the jobs left running, then run submitted jobs (now and whenever one is submitted). */
  async start(): Promise<void> {
    this.checkOpen();
    this.started = true;
    await this.resumeAll();
    await this.schedule();
  }

  /** Resume every job in state "running" (a coordinator restart) from its last completed round. Returns their ids. */
  async resumeAll(): Promise<string[]> {
    this.checkOpen();
    const running = await this.o.store.listJobs(['running']);
    for (const job of running) this.launch(job, true);
    return running.map((j) => j.id);
  }

  /** Resolves when the job has stopped running here (completed, failed or aborted). */
  async wait(id: string): Promise<JobStatus> {
    await this.runners.get(id)?.done;
    return this.status(id);
  }

  /**
   * Stop: running jobs are interrupted where they are and stay "running" in the store, so a new
   * manager on the same store and data folder resumes them; then the store is closed.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const r of this.runners.values()) r.controller.abort(SHUTDOWN);
    await Promise.all([...this.runners.values()].map((r) => r.done));
    await this.o.store.close();
  }

  private async schedule(): Promise<void> {
    if (this.closing) return;
    for (const job of await this.o.store.listJobs(['submitted'])) this.launch(job, false);
  }

  private launch(job: JobRecord, resume: boolean): void {
    if (this.runners.has(job.id) || this.closing) return;
    const controller = new AbortController();
    const done = this.run(job, resume, controller.signal).finally(() => this.runners.delete(job.id));
    this.runners.set(job.id, { controller, done });
  }

  private async run(job: JobRecord, resume: boolean, signal: AbortSignal): Promise<void> {
    const { store } = this.o;
    if (!resume && !(await store.transition(job.id, ['submitted'], 'running'))) return;
    try {
      const spec = parseJobSpec(job.specYaml, `job ${job.id}`);
      const current = (await store.getJob(job.id)) ?? job;
      await runJob({ ...this.o, version: this.version, job: current, spec, signal, waitForSitesMs: this.o.waitForSitesMs ?? 600_000 });
      await store.transition(job.id, ['running'], 'completed', null);
    } catch (e) {
      if (signal.aborted && signal.reason === SHUTDOWN) return;
      const err = asMedfedError(e);
      const aborted = err.code === ErrorCodes.JOB_ABORTED;
      await store.transition(job.id, ['running'], aborted ? 'aborted' : 'failed', err.describe());
      await store.appendEvent(job.id, aborted ? 'warn' : 'error', aborted ? 'job aborted' : 'job failed', { error: err.toJSON() });
    }
  }

  private async job(id: string): Promise<JobRecord> {
    this.checkOpen();
    const job = await this.o.store.getJob(id);
    if (!job) throw new MedfedError(ErrorCodes.UNKNOWN_NAME, `no job "${id}"`, { where: id, hint: 'see `medfed job list` for the job ids' });
    return job;
  }

  private describe(job: JobRecord): Promise<JobStatus> {
    return jobStatus(this.o.store, job, this.o.sites, this.runners.has(job.id));
  }

  private checkOpen(): void {
    if (this.closing) throw new MedfedError(ErrorCodes.INTERNAL, 'the job manager is closed', { hint: 'create a new JobManager' });
  }
}
