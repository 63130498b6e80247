/** The coordinator's job engine (docs/jobs.md): what the network side and the CLI call. */
export { JobManager, type AuditSink, type JobDownload, type JobManagerOptions } from './job-manager.js';
export type { JobRunHooks } from './job-runner.js';
export type { JobStatus } from './job-status.js';
export { InMemorySitePool, runtimeConnection } from './memory-site-pool.js';
export { PgliteJobStore } from './pglite-store.js';
export type { SitePool } from './site-pool.js';
export { jobStates, type JobEvent, type JobRecord, type JobState, type JobStore, type RoundRow } from './store.js';
