import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';
import { writeFileAtomic } from '../../node/atomic-write.js';

/**
 * The site's approvals file (DATA_DIR/approvals.json): job hashes the site admin approved with
 * `medfed site approve`, who approved and when. The agent reads it for each new job; the audit
 * log records the approval (`job_approved`, by the approver) when the job is admitted.
 */
const approvalSchema = z.strictObject({
  jobHash: z.string().regex(/^[0-9a-f]{64}$/),
  by: z.string().min(1),
  at: z.iso.datetime(),
  note: z.string().optional(),
});
const approvalsFileSchema = z.strictObject({ format: z.literal('medfed-site-approvals/1'), approvals: z.array(approvalSchema) });
export type Approval = z.output<typeof approvalSchema>;

export function readApprovals(file: string): Approval[] {
  if (!existsSync(file)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the approvals file ${file} is not valid JSON: ${(e as Error).message}`, { where: file, cause: e });
  }
  const r = approvalsFileSchema.safeParse(data);
  if (!r.success) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the approvals file ${file} is damaged: ${formatZodIssues(r.error)}`, { where: file });
  return r.data.approvals;
}

/** Record an approval (idempotent per hash); written atomically. */
export function addApproval(file: string, approval: Approval): { added: boolean } {
  if (!/^[0-9a-f]{64}$/.test(approval.jobHash)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `"${approval.jobHash}" is not a job hash (64 lowercase hex characters)`, {
      where: 'JOBHASH',
      hint: 'copy the hash from "medfed job status" or from the site audit log (job_refused)',
    });
  }
  const all = readApprovals(file);
  if (all.some((a) => a.jobHash === approval.jobHash)) return { added: false };
  writeFileAtomic(file, `${JSON.stringify({ format: 'medfed-site-approvals/1', approvals: [...all, approval] }, null, 2)}\n`);
  return { added: true };
}
