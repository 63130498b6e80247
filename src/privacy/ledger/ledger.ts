import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { LedgerEntry, LedgerState, LedgerStorage, PlannedJob, PrivacyBudget, PrivacyMechanism } from './types.js';

function checkBudget(b: PrivacyBudget, where: string): PrivacyBudget {
  if (!(b.epsilon >= 0) || !Number.isFinite(b.epsilon) || !(b.delta >= 0 && b.delta < 1)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `a privacy budget needs a finite epsilon >= 0 and delta in [0, 1), got epsilon ${b.epsilon}, delta ${b.delta}`, {
      where,
      hint: 'e.g. budget: { epsilon: 10, delta: 1e-5 }',
    });
  }
  return { epsilon: b.epsilon, delta: b.delta };
}

function parseState(json: string): LedgerState {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new MedfedError(ErrorCodes.FORMAT_INVALID, `the privacy ledger is not valid JSON: ${(e as Error).message}`, { where: 'privacy ledger', cause: e });
  }
  const s = raw as Partial<LedgerState>;
  const entryOk = (e: Partial<LedgerEntry>) =>
    typeof e.jobId === 'string' && Number.isInteger(e.round) && typeof e.epsilon === 'number' && e.epsilon >= 0 && typeof e.delta === 'number' && typeof e.mechanism === 'string' && typeof e.at === 'string';
  if (s?.version !== 1 || typeof s.budget !== 'object' || !Array.isArray(s.spent) || !s.spent.every((e) => entryOk(e as Partial<LedgerEntry>))) {
    throw new MedfedError(ErrorCodes.FORMAT_INVALID, 'the privacy ledger does not have the expected form { version: 1, budget, spent: [...] }', {
      where: 'privacy ledger',
      hint: 'restore the ledger from a backup; never start a new one over a damaged ledger (the budget would reset)',
    });
  }
  return { version: 1, budget: checkBudget(s.budget as PrivacyBudget, 'privacy ledger budget'), spent: s.spent };
}

/** Spend per job: epsilon summed over its releases, delta the job's delta (largest recorded). */
function totals(spent: readonly LedgerEntry[], skipJob?: string): { epsilon: number; delta: number } {
  const perJob = new Map<string, { epsilon: number; delta: number }>();
  for (const e of spent) {
    if (e.jobId === skipJob) continue;
    const j = perJob.get(e.jobId) ?? { epsilon: 0, delta: 0 };
    perJob.set(e.jobId, { epsilon: j.epsilon + e.epsilon, delta: Math.max(j.delta, e.delta) });
  }
  let epsilon = 0;
  let delta = 0;
  for (const j of perJob.values()) {
    epsilon += j.epsilon;
    delta += j.delta;
  }
  return { epsilon, delta };
}

/**
 * A site's privacy budget ledger. Within a job the accountant composes the releases tightly
 * (RDP); across jobs spends add up (basic sequential composition: epsilons and deltas sum), which
 * is always valid. A job is checked against the remaining budget BEFORE its first release
 * (`assertCanRun`), and every release is recorded and persisted before its update leaves the site.
 */
export class PrivacyLedger {
  private constructor(
    private readonly storage: LedgerStorage,
    private state: LedgerState,
  ) {}

  /** Opens the ledger in `storage`; a new one needs `budget` (an existing one keeps its own unless `budget` is given). */
  static async open(storage: LedgerStorage, budget?: PrivacyBudget): Promise<PrivacyLedger> {
    const text = await storage.load();
    if (text === null) {
      if (!budget) {
        throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'a new privacy ledger needs a budget', { where: 'privacy.budget', hint: 'set the site\'s budget, e.g. { epsilon: 10, delta: 1e-5 }' });
      }
      const ledger = new PrivacyLedger(storage, { version: 1, budget: checkBudget(budget, 'privacy.budget'), spent: [] });
      await ledger.persist();
      return ledger;
    }
    const state = parseState(text);
    const ledger = new PrivacyLedger(storage, budget ? { ...state, budget: checkBudget(budget, 'privacy.budget') } : state);
    if (budget) await ledger.persist();
    return ledger;
  }

  get budget(): PrivacyBudget {
    return this.state.budget;
  }

  get entries(): readonly LedgerEntry[] {
    return this.state.spent;
  }

  /** Total spend over all jobs. */
  spent(): { epsilon: number; delta: number } {
    return totals(this.state.spent);
  }

  remaining(): { epsilon: number; delta: number } {
    const s = this.spent();
    return { epsilon: Math.max(0, this.budget.epsilon - s.epsilon), delta: Math.max(0, this.budget.delta - s.delta) };
  }

  /** Whether running the whole job (its full planned spend, replacing what it already spent) would exceed the budget. */
  wouldExceed(job: PlannedJob): boolean {
    const others = totals(this.state.spent, job.jobId);
    const tol = 1e-12;
    return others.epsilon + job.epsilon > this.budget.epsilon * (1 + tol) || others.delta + job.delta > this.budget.delta * (1 + tol);
  }

  /** Throws PRIVACY_BUDGET_EXCEEDED, naming the numbers, when the job would exceed the budget. */
  assertCanRun(job: PlannedJob): void {
    if (!this.wouldExceed(job)) return;
    const others = totals(this.state.spent, job.jobId);
    throw new MedfedError(
      ErrorCodes.PRIVACY_BUDGET_EXCEEDED,
      `job "${job.jobId}" plans to spend epsilon ${job.epsilon.toFixed(4)}, delta ${job.delta} but the site has epsilon ${(this.budget.epsilon - others.epsilon).toFixed(4)}, delta ${Math.max(0, this.budget.delta - others.delta)} left (budget epsilon ${this.budget.epsilon}, delta ${this.budget.delta})`,
      { where: `job "${job.jobId}"`, hint: 'raise the noise multiplier, plan fewer rounds or epochs, or ask the site to raise its budget' },
    );
  }

  /** Records one release and persists the ledger (await it before the update leaves the site). */
  async record(entry: { jobId: string; round: number; epsilon: number; delta: number; mechanism: PrivacyMechanism; at?: string }): Promise<void> {
    if (!(entry.epsilon >= 0) || !Number.isFinite(entry.epsilon) || !(entry.delta >= 0 && entry.delta < 1)) {
      throw new MedfedError(ErrorCodes.INTERNAL, `a ledger entry needs epsilon >= 0 and delta in [0, 1), got ${entry.epsilon}, ${entry.delta}`, { where: `job "${entry.jobId}" round ${entry.round}` });
    }
    const full: LedgerEntry = { ...entry, at: entry.at ?? new Date().toISOString() };
    this.state = { ...this.state, spent: [...this.state.spent, full] };
    await this.persist();
  }

  /** The ledger as JSON (what storage holds). */
  toJSON(): LedgerState {
    return this.state;
  }

  private async persist(): Promise<void> {
    await this.storage.save(JSON.stringify(this.state, null, 2));
  }
}
