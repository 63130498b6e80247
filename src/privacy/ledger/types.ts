/** A site's differential-privacy budget: the most (epsilon, delta) all jobs together may spend. */
export interface PrivacyBudget {
  readonly epsilon: number;
  readonly delta: number;
}

export type PrivacyMechanism = 'dp-sgd' | 'dp-fedavg' | 'dp-gaussian-filter';

/**
 * One release: the epsilon it added to its job (the job's accountant epsilon after this round
 * minus before it, so a job's entries sum to its composed epsilon) at the job's delta.
 */
export interface LedgerEntry {
  readonly jobId: string;
  readonly round: number;
  readonly epsilon: number;
  readonly delta: number;
  readonly mechanism: PrivacyMechanism;
  /** ISO 8601 time of the release. */
  readonly at: string;
}

/** The ledger as it is persisted (JSON). */
export interface LedgerState {
  readonly version: 1;
  readonly budget: PrivacyBudget;
  readonly spent: readonly LedgerEntry[];
}

/** Where a ledger lives: a file at a site, a key-value store, memory in tests. Isomorphic: strings only. */
export interface LedgerStorage {
  /** The saved JSON text, or null when nothing was saved yet. */
  load(): Promise<string | null>;
  save(json: string): Promise<void>;
}

/** A job's planned spend, computed before any release. */
export interface PlannedJob {
  readonly jobId: string;
  readonly epsilon: number;
  readonly delta: number;
}
