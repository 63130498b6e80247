import { asMedfedError } from '../../core/errors.js';
import { jobTrainingConfig } from '../../core/job-spec.js';
import type { AdmittedJob } from '../site-jobs.js';
import type { Approval } from './approvals.js';
import { releaseChain } from './release-chain.js';
import type { SitePolicyFile } from './site-policy.js';

export type JobDecision =
  | { readonly approved: true; readonly by: string; readonly reason: string }
  | { readonly approved: false; readonly reason: string };

export function jobTask(job: AdmittedJob): 'binary-classification' | 'multiclass-classification' {
  const label = job.spec.schema.columns.find((c) => c.name === job.spec.schema.label);
  return label?.type === 'binary' || label?.levels?.length === 2 ? 'binary-classification' : 'multiclass-classification';
}

/** The site's own decision on a job, from its policy file and its admin's approvals. */
export function decideJob(job: AdmittedJob, policy: SitePolicyFile, approvals: readonly Approval[]): JobDecision {
  const strategy = job.spec.strategy.name;
  if (!policy.allowedStrategies.includes(strategy)) {
    return { approved: false, reason: `strategy "${strategy}" is not allowed by this site's policy (allowed: ${policy.allowedStrategies.join(', ') || 'none'})` };
  }
  const task = jobTask(job);
  if (policy.allowedTasks && !policy.allowedTasks.includes(task)) {
    return { approved: false, reason: `task "${task}" is not allowed by this site's policy (allowed: ${policy.allowedTasks.join(', ')})` };
  }
  if (job.spec.federation.minSites < policy.minSitesPerAggregate) {
    return {
      approved: false,
      reason: `the job may aggregate as few as ${job.spec.federation.minSites} sites (federation.minSites); this site contributes only to aggregates of at least ${policy.minSitesPerAggregate}`,
    };
  }
  if (policy.requireDp && !jobTrainingConfig(job.spec).dpSgd) {
    return { approved: false, reason: 'this site requires differential privacy (policy requireDp: true) and the job has no privacy.dpSgd' };
  }
  // The job's extra filters and the site's mandatory ones must all be runnable here: no update
  // may leave without them (a job cannot drop a site filter; the chain always ends with them).
  try {
    releaseChain(policy, job.spec.filters);
  } catch (e) {
    const err = asMedfedError(e);
    return { approved: false, reason: `the update filters cannot be built: ${err.message}${err.where ? ` (at ${err.where})` : ''}` };
  }
  if (policy.approval.mode === 'auto') return { approved: true, by: 'policy:auto', reason: 'approval mode auto; the job fits the site policy' };
  if (policy.approval.approvedJobHashes.includes(job.jobHash)) return { approved: true, by: 'policy:approvedJobHashes', reason: 'job hash listed in policy.yaml' };
  const approval = approvals.find((a) => a.jobHash === job.jobHash);
  if (approval) return { approved: true, by: approval.by, reason: `approved by the site admin on ${approval.at}${approval.note ? `: ${approval.note}` : ''}` };
  return { approved: false, reason: `approval mode manual and job hash ${job.jobHash} is not approved; the site admin runs "medfed site approve ${job.jobHash} --config SITE.yaml"` };
}
