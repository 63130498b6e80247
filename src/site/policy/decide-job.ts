import type { AdmittedJob } from '../site-jobs.js';
import type { Approval } from './approvals.js';
import type { SitePolicyFile } from './site-policy.js';

/**
 * Update filters this site agent can apply to every update it releases. A policy may make any of
 * them mandatory; a mandatory filter the agent does not have means the site cannot honour its
 * own policy, so it refuses every job rather than release unfiltered updates.
 *   min-sample-count: no update computed from fewer than `minSamplesPerUpdate` training records.
 */
export const availableUpdateFilters = ['min-sample-count'] as const;

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
  const missing = policy.mandatoryFilters.filter((f) => !(availableUpdateFilters as readonly string[]).includes(f));
  if (missing.length > 0) {
    return { approved: false, reason: `mandatory privacy filter(s) ${missing.join(', ')} are not available in this site agent (available: ${availableUpdateFilters.join(', ')}); no update may leave without them` };
  }
  if (policy.approval.mode === 'auto') return { approved: true, by: 'policy:auto', reason: 'approval mode auto; the job fits the site policy' };
  if (policy.approval.approvedJobHashes.includes(job.jobHash)) return { approved: true, by: 'policy:approvedJobHashes', reason: 'job hash listed in policy.yaml' };
  const approval = approvals.find((a) => a.jobHash === job.jobHash);
  if (approval) return { approved: true, by: approval.by, reason: `approved by the site admin on ${approval.at}${approval.note ? `: ${approval.note}` : ''}` };
  return { approved: false, reason: `approval mode manual and job hash ${job.jobHash} is not approved; the site admin runs "medfed site approve ${job.jobHash} --config SITE.yaml"` };
}
