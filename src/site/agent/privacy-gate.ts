import type { AuditEvent } from '../../audit/events.js';
import { canonicalJson } from '../../audit/canonical-json.js';
import { asMedfedError, ErrorCodes, MedfedError } from '../../core/errors.js';
import { jobTrainingConfig } from '../../core/job-spec.js';
import type { DpSgdConfig, FitReplyMessage, FitRequest } from '../../core/messages.js';
import { dpSgdRoundEpsilon, plannedDpSgdJob } from '../../privacy/dp/job-planning.js';
import { PrivacyLedger } from '../../privacy/ledger/ledger.js';
import type { LedgerStorage, PlannedJob, PrivacyBudget } from '../../privacy/ledger/types.js';
import type { AdmittedJob } from '../site-jobs.js';

/** A job this site admitted: its DP-SGD (undefined without DP), the training it plans with, its planned spend. */
interface AdmittedPrivacy {
  readonly dpSgd?: DpSgdConfig;
  readonly training: { readonly batchSize: number; readonly epochs: number };
  readonly planned?: PlannedJob;
}

/**
 * A site's privacy-budget enforcement (docs/differential-privacy.md, "Privacy budget ledger"):
 * at admission a DP job's full planned epsilon must fit in what the budget has left after past
 * spends and the unspent plans of the site's other running DP jobs, or the job is refused before
 * it trains; a fit request must carry exactly the job's DP-SGD; and every released DP update's
 * epsilon is checked, recorded in the ledger (persisted) and audited before the update leaves.
 * Ledger operations run one at a time.
 */
export class SitePrivacyGate {
  private readonly jobs = new Map<string, AdmittedPrivacy>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly siteId: string,
    private readonly storage: LedgerStorage,
    private readonly audit: (e: AuditEvent) => void,
  ) {}

  /**
   * Admits the job's privacy at this site with `trainCount` training examples under `budget` (the
   * policy's). Throws PRIVACY_BUDGET_EXCEEDED (or CONFIG_INVALID for DP settings the site cannot
   * run) and audits `job_refused`. Returns the planned spend (undefined for a job without DP).
   */
  admit(job: AdmittedJob, budget: PrivacyBudget, trainCount: number): Promise<PlannedJob | undefined> {
    return this.serial(async () => {
      const training = jobTrainingConfig(job.spec);
      const dpSgd = training.dpSgd;
      const site = { batchSize: training.batchSize, epochs: training.epochs };
      if (!dpSgd) {
        this.jobs.set(job.jobId, { training: site });
        return undefined;
      }
      try {
        const planned = plannedDpSgdJob(job.jobId, dpSgd, { ...site, n: trainCount });
        const ledger = await PrivacyLedger.open(this.storage, budget);
        const reserved = this.reserved(ledger, job.jobId);
        const combined = { jobId: job.jobId, epsilon: planned.epsilon + reserved.epsilon, delta: planned.delta + reserved.delta };
        if (ledger.wouldExceed(combined)) {
          const spent = jobTotals(ledger, (id) => id !== job.jobId);
          throw new MedfedError(
            ErrorCodes.PRIVACY_BUDGET_EXCEEDED,
            `site ${this.siteId}: job "${job.jobId}" plans to spend epsilon ${planned.epsilon.toFixed(4)} (delta ${planned.delta}) over ${dpSgd.plannedRounds} rounds; ` +
              `the site has spent epsilon ${spent.epsilon.toFixed(4)} (delta ${spent.delta}), its running DP jobs hold epsilon ${reserved.epsilon.toFixed(4)} (delta ${reserved.delta}) more, ` +
              `of a budget of epsilon ${budget.epsilon}, delta ${budget.delta}`,
            { where: `job "${job.jobId}": privacy.dpSgd`, hint: 'raise the noise multiplier (or lower targetEpsilon), plan fewer rounds or epochs, or ask the site to raise its privacyBudget' },
          );
        }
        this.jobs.set(job.jobId, { dpSgd, training: site, planned });
        return planned;
      } catch (e) {
        const err = asMedfedError(e);
        this.audit({ kind: 'job_refused', jobId: job.jobId, jobHash: job.jobHash, by: 'privacy-ledger', reason: err.message });
        throw err;
      }
    });
  }

  /** Before training: the request must carry exactly the admitted DP-SGD and the training it was planned with. */
  checkFit(req: FitRequest): void {
    const job = this.jobs.get(req.jobId);
    if (!job?.dpSgd) return; // unknown jobs are refused by the runtime (not prepared); jobs without DP spend nothing
    const same =
      req.training.dpSgd !== undefined &&
      canonicalJson(req.training.dpSgd) === canonicalJson(job.dpSgd) &&
      req.training.batchSize === job.training.batchSize &&
      req.training.epochs === job.training.epochs;
    if (!same) {
      throw new MedfedError(
        ErrorCodes.JOB_REFUSED,
        `site ${this.siteId} refuses round ${req.round} of job "${req.jobId}": the fit request's training (dpSgd ${canonicalJson(req.training.dpSgd ?? null)}, batchSize ${req.training.batchSize}, epochs ${req.training.epochs}) ` +
          `is not what the site admitted (dpSgd ${canonicalJson(job.dpSgd)}, batchSize ${job.training.batchSize}, epochs ${job.training.epochs})`,
        { where: `job "${req.jobId}" round ${req.round}`, hint: 'the coordinator must send the job spec\'s privacy.dpSgd and training unchanged' },
      );
    }
  }

  /**
   * Before a DP update leaves: its round's epsilon (the job's epsilon after one more round minus
   * before, rounds counted from the ledger) must fit in the budget; it is recorded (persisted) and
   * audited as `privacy_budget_spent`. Throws PRIVACY_BUDGET_EXCEEDED (the update is withheld).
   */
  spend(jobId: string, reply: FitReplyMessage, budget: PrivacyBudget): Promise<{ epsilon: number; delta: number } | undefined> {
    return this.serial(async () => {
      const job = this.jobs.get(jobId);
      if (!job?.dpSgd) return undefined;
      const ledger = await PrivacyLedger.open(this.storage, budget);
      const mine = ledger.entries.filter((e) => e.jobId === jobId);
      const epsilon = dpSgdRoundEpsilon(job.dpSgd, { ...job.training, n: reply.numExamples }, mine.length);
      const delta = job.dpSgd.delta;
      const soFar = mine.reduce((s, e) => s + e.epsilon, 0);
      if (ledger.wouldExceed({ jobId, epsilon: soFar + epsilon, delta })) {
        const left = ledger.remaining();
        throw new MedfedError(
          ErrorCodes.PRIVACY_BUDGET_EXCEEDED,
          `site ${this.siteId} withholds its round ${reply.round} update of job "${jobId}": it would spend epsilon ${epsilon.toFixed(4)} with ${left.epsilon.toFixed(4)} of the budget left (delta ${left.delta} left)`,
          { where: `job "${jobId}" round ${reply.round}`, hint: 'the job trained more rounds than it planned (re-sent rounds count again); the site can raise its privacyBudget' },
        );
      }
      await ledger.record({ jobId, round: reply.round, epsilon, delta, mechanism: 'dp-sgd' });
      this.audit({ kind: 'privacy_budget_spent', jobId, epsilon, delta });
      return { epsilon, delta };
    });
  }

  /** The job ended: its unspent plan no longer holds budget. */
  end(jobId: string): void {
    this.jobs.delete(jobId);
  }

  /** What the other running DP jobs may still spend: their plan minus what they spent (delta once per job). */
  private reserved(ledger: PrivacyLedger, exceptJob: string): { epsilon: number; delta: number } {
    let epsilon = 0;
    let delta = 0;
    for (const [id, j] of this.jobs) {
      if (id === exceptJob || !j.planned) continue;
      const spent = jobTotals(ledger, (x) => x === id);
      epsilon += Math.max(0, j.planned.epsilon - spent.epsilon);
      if (!ledger.entries.some((e) => e.jobId === id)) delta += j.planned.delta;
    }
    return { epsilon, delta };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** epsilon summed and delta once per job, over the jobs `pick` selects. */
function jobTotals(ledger: PrivacyLedger, pick: (jobId: string) => boolean): { epsilon: number; delta: number } {
  const deltas = new Map<string, number>();
  let epsilon = 0;
  for (const e of ledger.entries) {
    if (!pick(e.jobId)) continue;
    epsilon += e.epsilon;
    deltas.set(e.jobId, Math.max(deltas.get(e.jobId) ?? 0, e.delta));
  }
  return { epsilon, delta: [...deltas.values()].reduce((a, b) => a + b, 0) };
}
