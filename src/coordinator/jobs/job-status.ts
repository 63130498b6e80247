import { parseJobSpec } from '../../core/job-spec.js';
import { meanOfMetrics } from '../../report/mean-metrics.js';
import type { MetricsRecord } from '../../report/metrics-schema.js';
import type { SitePool } from './site-pool.js';
import type { JobRecord, JobState, JobStore } from './store.js';

/** What `medfed job status` and `medfed job list` show. */
export interface JobStatus {
  readonly id: string;
  readonly name: string;
  readonly state: JobState;
  readonly jobHash: string;
  readonly submitter: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly error: string | null;
  /** Last completed round (0: none yet) and the number of rounds the job has. */
  readonly round: number;
  readonly rounds: number;
  /** Last completed round: mean of the sites' test metrics, training loss, and sites that failed it. */
  readonly lastMetrics: MetricsRecord | null;
  readonly lastTrainLoss: number | null;
  readonly lastFailed: Readonly<Record<string, string>>;
  /** Participants (once started) and whether each is connected now. */
  readonly sites: readonly { readonly id: string; readonly connected: boolean }[];
  /** True while this coordinator is running the job. */
  readonly active: boolean;
}

export async function jobStatus(store: JobStore, job: JobRecord, pool: SitePool, active: boolean): Promise<JobStatus> {
  const last = await store.lastRound(job.id);
  const connected = new Set(pool.connected().map((c) => c.siteId));
  return {
    id: job.id,
    name: job.name,
    state: job.state,
    jobHash: job.jobHash,
    submitter: job.submitter,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    error: job.error,
    round: last?.round ?? 0,
    rounds: parseJobSpec(job.specYaml, `job ${job.id}`).federation.rounds,
    lastMetrics: last ? meanOfMetrics(Object.values(last.metrics.siteMetrics)) : null,
    lastTrainLoss: last?.metrics.trainLoss ?? null,
    lastFailed: last?.metrics.failed ?? {},
    sites: (job.participants ?? []).map((id) => ({ id, connected: connected.has(id) })),
    active,
  };
}
