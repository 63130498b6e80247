import type { Normalization } from '../../data/table.js';

/**
 * The coordinator's job state, behind a small interface so the engine does not depend on the
 * database. The default implementation is embedded PostgreSQL (PGlite, pglite-store.ts).
 */
export const jobStates = ['submitted', 'running', 'completed', 'failed', 'aborted'] as const;
export type JobState = (typeof jobStates)[number];
export const finishedStates: readonly JobState[] = ['completed', 'failed', 'aborted'];

export interface JobRecord {
  readonly id: string;
  readonly name: string;
  readonly specYaml: string;
  readonly jobHash: string;
  readonly submitter: string;
  readonly state: JobState;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly error: string | null;
  /** Sites taking part, fixed when the job starts (sorted ids). */
  readonly participants: string[] | null;
  /** Global normalisation computed when the job started (reused on resume). */
  readonly normalization: Normalization | null;
}

export interface RoundRow {
  readonly jobId: string;
  readonly round: number;
  /** Global weights as of the end of the round (safetensors). */
  readonly checkpoint: string;
  /** Server strategy state as of the end of the round (safetensors, "<key>/<tensor>" names). */
  readonly strategyCheckpoint: string;
  readonly metrics: RoundMetrics;
  readonly completedAt: string;
}

export interface RoundMetrics {
  readonly trainLoss: number;
  readonly sampled: readonly string[];
  readonly failed: Readonly<Record<string, string>>;
  readonly siteMetrics: Readonly<Record<string, Record<string, number | null>>>;
  readonly durationMs: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface JobEvent {
  /** Increasing over the whole store: pass the last one seen as `since` to get only newer events. */
  readonly seq: number;
  readonly jobId: string;
  readonly ts: string;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export interface JobStore {
  createJob(job: { id: string; name: string; specYaml: string; jobHash: string; submitter: string }): Promise<JobRecord>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** All jobs, oldest first. */
  listJobs(states?: readonly JobState[]): Promise<JobRecord[]>;
  /** Set the state if it is one of `from` (atomic); false if it was not. */
  transition(id: string, from: readonly JobState[], to: JobState, error?: string | null): Promise<boolean>;
  setStartInfo(id: string, participants: readonly string[], normalization: Normalization | null): Promise<void>;
  /** Record a completed round (its checkpoint files must already be durable). */
  recordRound(row: Omit<RoundRow, 'completedAt'>): Promise<void>;
  rounds(jobId: string): Promise<RoundRow[]>;
  lastRound(jobId: string): Promise<RoundRow | undefined>;
  appendEvent(jobId: string, level: LogLevel, message: string, fields?: Record<string, unknown>): Promise<number>;
  events(jobId: string, since?: number): Promise<JobEvent[]>;
  close(): Promise<void>;
}
