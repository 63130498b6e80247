/**
 * Schema migrations of the job store, applied in order at open; each runs once, in a
 * transaction, and is recorded in schema_migrations. Never edit a released migration: add one.
 */
export const migrations: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        seq BIGSERIAL UNIQUE,
        name TEXT NOT NULL,
        spec_yaml TEXT NOT NULL,
        job_hash TEXT NOT NULL CHECK (job_hash ~ '^[0-9a-f]{64}$'),
        submitter TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('submitted', 'running', 'completed', 'failed', 'aborted')),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        error TEXT,
        participants JSONB,
        normalization JSONB
      );
      CREATE INDEX jobs_state ON jobs (state);
      CREATE TABLE job_rounds (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        round INTEGER NOT NULL CHECK (round > 0),
        checkpoint TEXT NOT NULL,
        strategy_checkpoint TEXT NOT NULL,
        metrics JSONB NOT NULL,
        completed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, round)
      );
      CREATE TABLE job_events (
        seq BIGSERIAL PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        ts TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
        level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
        message TEXT NOT NULL,
        fields JSONB NOT NULL DEFAULT '{}'::jsonb
      );
      CREATE INDEX job_events_job ON job_events (job_id, seq);
    `,
  },
];
