import type { AuditEvent } from '../../audit/events.js';
import { asMedfedError, ErrorCodes, MedfedError } from '../../core/errors.js';
import type { SiteReply, SiteRequest } from '../../core/messages.js';
import { getEngine } from '../../engine/registry.js';
import { openAuditLog, type AuditLogWriter } from '../../node/audit-file.js';
import { readAuditPrivateKeyFile } from '../../node/audit-keys.js';
import { jobSiteData } from '../../node/job-site-data.js';
import { fileLedgerStorage } from '../../node/ledger-file.js';
import { directorySiteStateStore } from '../../node/site-state-dir.js';
import { toolVersion } from '../../node/tool-version.js';
import { readStartupKit } from '../../pki/startup-kit.js';
import { coordinatorAddress } from '../../transport/grpc/admin-client.js';
import { SiteClient } from '../../transport/grpc/site-client.js';
import { defaultWireLimits } from '../../transport/grpc/wire-limits.js';
import { readApprovals } from '../policy/approvals.js';
import { decideJob } from '../policy/decide-job.js';
import { loadSitePolicy } from '../policy/site-policy.js';
import type { FilterSpec } from '../../privacy/filters/spec.js';
import { SiteRuntime } from '../site-runtime.js';
import type { AdmittedJob } from '../site-jobs.js';
import type { SiteAgentConfig } from './site-config.js';
import { SitePrivacyGate } from './privacy-gate.js';
import { auditHeadResponder } from './audit-head.js';
import { releaseUpdate } from './release-updates.js';
import { withSecureAggregation } from '../secure-aggregation-site.js';
import { withHomomorphicEncryption } from '../homomorphic-encryption-site.js';

export interface SiteAgent {
  readonly siteId: string;
  readonly client: SiteClient;
  stop(): void;
}

/**
 * A hospital's site agent: reads its kit, config and policy; dials the coordinator (outbound
 * only) and answers its requests with a real SiteRuntime over the site's own files. The site
 * decides itself: a job runs only if the site's policy admits it (audited `job_approved` /
 * `job_refused` with the job hash the site computed), and every update passes the release gate
 * (release-updates.ts: min-sample-count, the job's extra filters, then the policy's mandatory
 * filters) and is audited with the filter records before it leaves.
 */
export function startSiteAgent(cfg: SiteAgentConfig, log: (msg: string) => void = () => undefined): SiteAgent {
  const kit = readStartupKit(cfg.kitDir);
  if (kit.identity.role !== 'site') {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the kit in ${cfg.kitDir} is a ${kit.identity.role} kit, not a site kit`, { where: cfg.kitDir, hint: 'pass kits/sites/<site> from "medfed provision"' });
  }
  const siteId = kit.identity.name;
  loadSitePolicy(cfg.policyFile, siteId); // refuse to start on a broken policy
  const auditLog: AuditLogWriter = openAuditLog(cfg.auditLog, { node: siteId, privateKey: readAuditPrivateKeyFile(cfg.auditKey) });
  const audit = (e: AuditEvent) => auditLog.append(e);
  const auditHead = auditHeadResponder(siteId, auditLog, kit);

  // The extra filters of each admitted job (its spec's `filters`), applied to its updates before the site's own.
  const jobFilters = new Map<string, readonly FilterSpec[]>();
  const privacy = new SitePrivacyGate(siteId, fileLedgerStorage(cfg.ledgerFile), audit);
  const admit = (job: AdmittedJob) => {
    const decision = decideJob(job, loadSitePolicy(cfg.policyFile, siteId), readApprovals(cfg.approvalsFile));
    if (!decision.approved) {
      audit({ kind: 'job_refused', jobId: job.jobId, jobHash: job.jobHash, by: 'policy', reason: decision.reason });
      log(`refused job ${job.jobId} (${job.jobHash}): ${decision.reason}`);
      throw new MedfedError(ErrorCodes.JOB_REFUSED, `site ${siteId} refuses job ${job.jobId}: ${decision.reason}`, { hint: `the site's policy decides (job hash ${job.jobHash})` });
    }
    return decision;
  };
  // Admission ends once the site knows its training-set size: a DP job's planned epsilon must fit
  // in the privacy budget left (privacy-gate.ts), or the job is refused before it trains.
  const dataFor = async (job: AdmittedJob) => {
    const decision = admit(job);
    const local = cfg.datasets[job.spec.dataset];
    if (!local) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${siteId} has no data set "${job.spec.dataset}" (it has: ${Object.keys(cfg.datasets).join(', ') || 'none'})`, {
        where: `${cfg.file}: datasets`,
      });
    }
    const data = await jobSiteData(job, siteId, local);
    try {
      const planned = await privacy.admit(job, loadSitePolicy(cfg.policyFile, siteId).privacyBudget, data.trainCount);
      if (planned) log(`job ${job.jobId} plans to spend epsilon ${planned.epsilon.toFixed(4)} (delta ${planned.delta}) of the privacy budget`);
    } catch (e) {
      log(`refused job ${job.jobId} (${job.jobHash}): ${(e as Error).message}`);
      throw e;
    }
    jobFilters.set(job.jobId, job.spec.filters ?? []);
    audit({ kind: 'job_approved', jobId: job.jobId, jobHash: job.jobHash, by: decision.by, reason: decision.reason });
    log(`admitted job ${job.jobId} (${job.jobHash}): ${decision.reason}`);
    return data;
  };
  const runtime = new SiteRuntime(siteId, undefined, () => getEngine(cfg.engine), {
    jobs: { version: toolVersion(), dataFor },
    stateStore: directorySiteStateStore(cfg.stateDir),
  });

  const handle = async (req: SiteRequest): Promise<SiteReply> => {
    if (req.kind === 'audit-head') return auditHead().catch((e: unknown) => ({ kind: 'error', siteId, error: asMedfedError(e).toJSON() }));
    if (req.kind === 'fit') {
      try {
        privacy.checkFit(req); // before training: the job's DP-SGD exactly as admitted
      } catch (e) {
        return { kind: 'error', siteId, error: asMedfedError(e).toJSON() };
      }
    }
    const reply = await runtime.handle(req);
    if (req.kind === 'end-job') {
      jobFilters.delete(req.jobId);
      privacy.end(req.jobId);
    }
    if (reply.kind !== 'fit' || req.kind !== 'fit') return reply;
    try {
      const filters = jobFilters.get(req.jobId);
      if (!filters) {
        throw new MedfedError(ErrorCodes.INTERNAL, `site ${siteId} trained job ${req.jobId} but has no admission record of it; the update is withheld`, {
          hint: 'the coordinator re-sends "prepare" with the job spec; the job continues with the other sites',
        });
      }
      const policy = loadSitePolicy(cfg.policyFile, siteId); // re-read: a policy edit applies to the next update
      // A DP update's epsilon is checked, recorded and audited before the update can leave
      // (an update the release gate then withholds stays counted: the ledger never under-counts).
      if (reply.numExamples >= policy.minSamplesPerUpdate) await privacy.spend(req.jobId, reply, policy.privacyBudget);
      return releaseUpdate(reply, { jobId: req.jobId, global: req.weights, policy, jobFilters: filters, audit });
    } catch (e) {
      return { kind: 'error', siteId, error: asMedfedError(e).toJSON() };
    }
  };
  const client = new SiteClient(
    { kit, address: coordinatorAddress(kit, cfg.coordinator), limits: defaultWireLimits, heartbeat: cfg.heartbeat, backoff: cfg.reconnect },
    // SecAgg+ and CKKS rounds: the released update (after the gate above) is masked or encrypted, never sent in the clear.
    withHomomorphicEncryption(siteId, withSecureAggregation(siteId, handle)),
  );
  client.on('connected', () => log(`connected to ${coordinatorAddress(kit, cfg.coordinator)} as ${siteId}`));
  client.on('disconnected', (why: string) => log(`disconnected: ${why}; reconnecting`));
  client.on('protocol-error', (e: Error) => log(`protocol error from the coordinator: ${e.message}`));
  client.start();
  return {
    siteId,
    client,
    stop: () => {
      client.stop();
      auditLog.close();
    },
  };
}
