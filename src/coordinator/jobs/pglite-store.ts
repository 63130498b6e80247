import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { Normalization } from '../../data/table.js';
import { migrations } from './migrations.js';
import type { JobEvent, JobRecord, JobState, JobStore, LogLevel, RoundMetrics, RoundRow } from './store.js';

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const json = (v: unknown) => JSON.stringify(v);

function jobFrom(r: Row): JobRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    specYaml: r.spec_yaml as string,
    jobHash: r.job_hash as string,
    submitter: r.submitter as string,
    state: r.state as JobState,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    error: (r.error as string | null) ?? null,
    participants: (r.participants as string[] | null) ?? null,
    normalization: (r.normalization as Normalization | null) ?? null,
  };
}

function roundFrom(r: Row): RoundRow {
  return {
    jobId: r.job_id as string,
    round: r.round as number,
    checkpoint: r.checkpoint as string,
    strategyCheckpoint: r.strategy_checkpoint as string,
    metrics: r.metrics as RoundMetrics,
    completedAt: iso(r.completed_at),
  };
}

/**
 * The job store in embedded PostgreSQL (PGlite: Postgres compiled to WASM, persisted in a folder;
 * nothing to install, real SQL and transactions). Open with `await PgliteJobStore.open(dir)`.
 */
export class PgliteJobStore implements JobStore {
  private constructor(private readonly db: PGlite) {}

  static async open(dir: string): Promise<PgliteJobStore> {
    let db: PGlite;
    try {
      mkdirSync(dir, { recursive: true });
      db = new PGlite(dir);
      await db.waitReady;
    } catch (e) {
      throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot open the job database in ${dir}: ${(e as Error).message}`, {
        where: dir,
        cause: e,
        hint: 'check that the folder is writable and that no other coordinator uses it',
      });
    }
    await migrate(db);
    return new PgliteJobStore(db);
  }

  async createJob(j: { id: string; name: string; specYaml: string; jobHash: string; submitter: string }): Promise<JobRecord> {
    const r = await this.db.query<Row>(
      `INSERT INTO jobs (id, name, spec_yaml, job_hash, submitter, state) VALUES ($1, $2, $3, $4, $5, 'submitted') RETURNING *`,
      [j.id, j.name, j.specYaml, j.jobHash, j.submitter],
    );
    return jobFrom(r.rows[0]);
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const r = await this.db.query<Row>('SELECT * FROM jobs WHERE id = $1', [id]);
    return r.rows[0] ? jobFrom(r.rows[0]) : undefined;
  }

  async listJobs(states?: readonly JobState[]): Promise<JobRecord[]> {
    const r = states
      ? await this.db.query<Row>('SELECT * FROM jobs WHERE state = ANY($1::text[]) ORDER BY seq', [[...states]])
      : await this.db.query<Row>('SELECT * FROM jobs ORDER BY seq');
    return r.rows.map(jobFrom);
  }

  async transition(id: string, from: readonly JobState[], to: JobState, error: string | null = null): Promise<boolean> {
    const r = await this.db.query(
      'UPDATE jobs SET state = $3, error = COALESCE($4, error), updated_at = now() WHERE id = $1 AND state = ANY($2::text[])',
      [id, [...from], to, error],
    );
    return (r.affectedRows ?? 0) === 1;
  }

  async setStartInfo(id: string, participants: readonly string[], normalization: Normalization | null): Promise<void> {
    await this.db.query('UPDATE jobs SET participants = $2::jsonb, normalization = $3::jsonb, updated_at = now() WHERE id = $1', [
      id,
      json(participants),
      normalization === null ? null : json(normalization),
    ]);
  }

  async recordRound(row: Omit<RoundRow, 'completedAt'>): Promise<void> {
    await this.db.transaction(async (tx: Transaction) => {
      await tx.query(
        `INSERT INTO job_rounds (job_id, round, checkpoint, strategy_checkpoint, metrics) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (job_id, round) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, strategy_checkpoint = EXCLUDED.strategy_checkpoint,
           metrics = EXCLUDED.metrics, completed_at = now()`,
        [row.jobId, row.round, row.checkpoint, row.strategyCheckpoint, json(row.metrics)],
      );
      // A resumed job redoes rounds after its checkpoint: rows of a discarded future go.
      await tx.query('DELETE FROM job_rounds WHERE job_id = $1 AND round > $2', [row.jobId, row.round]);
      await tx.query('UPDATE jobs SET updated_at = now() WHERE id = $1', [row.jobId]);
    });
  }

  async rounds(jobId: string): Promise<RoundRow[]> {
    const r = await this.db.query<Row>('SELECT * FROM job_rounds WHERE job_id = $1 ORDER BY round', [jobId]);
    return r.rows.map(roundFrom);
  }

  async lastRound(jobId: string): Promise<RoundRow | undefined> {
    const r = await this.db.query<Row>('SELECT * FROM job_rounds WHERE job_id = $1 ORDER BY round DESC LIMIT 1', [jobId]);
    return r.rows[0] ? roundFrom(r.rows[0]) : undefined;
  }

  async appendEvent(jobId: string, level: LogLevel, message: string, fields: Record<string, unknown> = {}): Promise<number> {
    const r = await this.db.query<Row>('INSERT INTO job_events (job_id, level, message, fields) VALUES ($1, $2, $3, $4::jsonb) RETURNING seq', [
      jobId,
      level,
      message,
      json(fields),
    ]);
    return Number(r.rows[0].seq);
  }

  async events(jobId: string, since = 0): Promise<JobEvent[]> {
    const r = await this.db.query<Row>('SELECT * FROM job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq', [jobId, since]);
    return r.rows.map((e) => ({
      seq: Number(e.seq),
      jobId: e.job_id as string,
      ts: iso(e.ts),
      level: e.level as LogLevel,
      message: e.message as string,
      fields: e.fields as Record<string, unknown>,
    }));
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

async function migrate(db: PGlite): Promise<void> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
  const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await db.transaction(async (tx: Transaction) => {
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
    });
  }
}
