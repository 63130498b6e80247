import { ErrorCodes, MedfedError } from '../core/errors.js';
import { jobHash, parseJobSpec, type JobSpec } from '../core/job-spec.js';
import type { JobRef } from '../core/messages.js';
import type { SiteData } from './site-data.js';

/**
 * How a site takes part in deployment jobs: it reads each job's spec itself, computes the job
 * hash with its own medfed version, lets its policy admit or refuse the job, and maps the spec's
 * `dataset` to its own file. Only the site's answers (summaries, metrics, weights) leave it.
 */
export interface SiteJobHooks {
  /** This site's medfed version (the "code" half of the job hash). */
  readonly version: string;
  /** Decide whether this site runs the job; throw a MedfedError to refuse (the reason goes back to the coordinator). */
  admit?(job: AdmittedJob): Promise<void> | void;
  /** The site's data for the job: its own file for `spec.dataset`, read with `spec.schema`. */
  dataFor(job: AdmittedJob): Promise<SiteData>;
}

export interface AdmittedJob {
  readonly jobId: string;
  readonly spec: JobSpec;
  readonly specYaml: string;
  readonly jobHash: string;
}

/** Parses, hashes and admits a job, then loads its data (once per job id). */
export class SiteJobs {
  private readonly jobs = new Map<string, { specYaml: string; data: Promise<SiteData> }>();

  constructor(
    private readonly siteId: string,
    private readonly hooks: SiteJobHooks | undefined,
  ) {}

  async dataFor(jobId: string, ref: JobRef): Promise<SiteData> {
    const known = this.jobs.get(jobId);
    if (known) {
      if (known.specYaml !== ref.specYaml) {
        throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${this.siteId}: job "${jobId}" arrived with another spec than before`, {
          hint: 'a job id names one spec; submit a changed spec as a new job',
        });
      }
      return known.data;
    }
    const hooks = this.hooks;
    if (!hooks) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${this.siteId} is not configured for deployment jobs (no data sets)`, {
        hint: 'start the site with a site configuration that maps data set names to files',
      });
    }
    const spec = parseJobSpec(ref.specYaml, `job ${jobId}`);
    const job: AdmittedJob = { jobId, spec, specYaml: ref.specYaml, jobHash: jobHash(ref.specYaml, hooks.version) };
    const data = (async () => {
      await hooks.admit?.(job);
      return hooks.dataFor(job);
    })();
    this.jobs.set(jobId, { specYaml: ref.specYaml, data });
    // A refusal or load failure is not cached: the next request tries again (policy may change).
    data.catch(() => this.jobs.delete(jobId));
    return data;
  }

  forget(jobId: string): void {
    this.jobs.delete(jobId);
  }
}
