import type { AuditEvent } from '../audit/events.js';
import type { JobManager } from '../coordinator/jobs/job-manager.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { PeerIdentity } from '../pki/identity.js';
import type { AdminHandler } from '../transport/grpc/federation-server.js';

/**
 * Who may do what at the coordinator, by certificate role:
 *   project-admin  everything, on every job
 *   researcher     submit; list, status, logs, download and abort of the jobs they submitted
 *   site-admin     list and status (to read job hashes to approve), nothing else
 *   site, coordinator   nothing (a site kit cannot submit)
 * Every refusal is audited (`connection_refused`, reason "no rights: ...").
 */
export function jobAdminHandler(jobs: JobManager, audit: (e: AuditEvent) => void): AdminHandler {
  const refuse = (who: PeerIdentity, what: string): never => {
    const reason = `no rights: a ${who.role} certificate cannot ${what}`;
    audit({ kind: 'connection_refused', peer: `${who.name} (serial ${who.serial})`, reason });
    throw new MedfedError(ErrorCodes.NOT_AUTHORIZED, `${who.name}: ${reason}`, { hint: 'use a researcher or project-admin kit' });
  };
  const readable = async (who: PeerIdentity, jobId: string, what: string) => {
    if (who.role === 'project-admin') return;
    if (who.role === 'researcher' && (await jobs.status(jobId)).submitter === who.name) return;
    if (who.role === 'site-admin' && what === 'read the status of') return;
    refuse(who, `${what} job ${jobId}${who.role === 'researcher' ? ' (submitted by someone else)' : ''}`);
  };
  return {
    async handle(who, req) {
      switch (req.op) {
        case 'submit':
          if (who.role !== 'researcher' && who.role !== 'project-admin') refuse(who, 'submit jobs');
          return jobs.submit(req.spec, who.name);
        case 'list': {
          if (who.role !== 'researcher' && who.role !== 'project-admin' && who.role !== 'site-admin') refuse(who, 'list jobs');
          const all = await jobs.list();
          return who.role === 'researcher' ? all.filter((j) => j.submitter === who.name) : all;
        }
        case 'status':
          await readable(who, req.jobId, 'read the status of');
          return jobs.status(req.jobId);
        case 'logs':
          await readable(who, req.jobId, 'read the logs of');
          return jobs.logs(req.jobId, req.since);
        case 'abort':
          await readable(who, req.jobId, 'abort');
          return jobs.abort(req.jobId, who.name);
      }
    },
    async download(who, jobId) {
      await readable(who, jobId, 'download');
      const d = await jobs.download(jobId);
      return [
        { path: 'final.safetensors', bytes: d.weights },
        { path: 'results.json', bytes: Buffer.from(`${JSON.stringify(d.results, null, 2)}\n`) },
        { path: 'report.html', bytes: Buffer.from(d.reportHtml) },
      ];
    },
  };
}
