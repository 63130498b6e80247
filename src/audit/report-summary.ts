import { canonicalJson } from './canonical-json.js';
import type { AuditEntry } from './entry.js';
import type { AuditEvent, AuditEventKind, AuditEventOf } from './events.js';
import { auditEventKinds } from './events.js';
import type { AuditVerifyReport } from './verify-types.js';

export interface AuditJobSummary {
  jobId: string;
  events: number;
  submitted: number;
  approved: number;
  refused: number;
  roundsEnded: number;
  updatesReleased: number;
  bytesReleased: number;
  epsilonSpent: number;
  deltaSpent: number;
}

export interface ReleasedUpdate {
  line: number;
  entry: AuditEntry;
  event: AuditEventOf<'update_released'>;
}

/** A `head_anchored` entry: another node's log head recorded in this log. */
export interface RecordedAnchor {
  line: number;
  entry: AuditEntry;
  event: AuditEventOf<'head_anchored'>;
}

export interface AuditSummary {
  countsByKind: { kind: AuditEventKind; count: number }[];
  jobs: AuditJobSummary[];
  updates: ReleasedUpdate[];
  /** The heads of other nodes' logs this log anchors (the coordinator's). */
  anchorsRecorded: RecordedAnchor[];
  firstTs: string | null;
  lastTs: string | null;
}

/** Counts per event kind and per job, and the updates released, from the readable entries. */
export function summarizeAuditLog(report: AuditVerifyReport): AuditSummary {
  const entries = report.lines.flatMap((l) => (l.entry ? [{ line: l.line, entry: l.entry }] : []));
  const counts = new Map<AuditEventKind, number>(auditEventKinds.map((k) => [k, 0]));
  const jobs = new Map<string, AuditJobSummary>();
  const updates: ReleasedUpdate[] = [];
  const anchorsRecorded: RecordedAnchor[] = [];
  for (const { line, entry } of entries) {
    const ev = entry.event;
    counts.set(ev.kind, (counts.get(ev.kind) ?? 0) + 1);
    const jobId = jobOf(ev);
    if (jobId !== null) addToJob(job(jobs, jobId), ev);
    if (ev.kind === 'update_released') updates.push({ line, entry, event: ev });
    if (ev.kind === 'head_anchored') anchorsRecorded.push({ line, entry, event: ev });
  }
  const times = entries.map((e) => e.entry.ts).sort();
  return {
    countsByKind: [...counts].map(([kind, count]) => ({ kind, count })),
    jobs: [...jobs.values()].sort((a, b) => a.jobId.localeCompare(b.jobId)),
    updates,
    anchorsRecorded,
    firstTs: times[0] ?? null,
    lastTs: times[times.length - 1] ?? null,
  };
}

function jobOf(ev: AuditEvent): string | null {
  return 'jobId' in ev ? ev.jobId : null;
}

function job(jobs: Map<string, AuditJobSummary>, jobId: string): AuditJobSummary {
  let j = jobs.get(jobId);
  if (!j) {
    j = { jobId, events: 0, submitted: 0, approved: 0, refused: 0, roundsEnded: 0, updatesReleased: 0, bytesReleased: 0, epsilonSpent: 0, deltaSpent: 0 };
    jobs.set(jobId, j);
  }
  return j;
}

function addToJob(j: AuditJobSummary, ev: AuditEvent): void {
  j.events++;
  if (ev.kind === 'job_submitted') j.submitted++;
  else if (ev.kind === 'job_approved') j.approved++;
  else if (ev.kind === 'job_refused') j.refused++;
  else if (ev.kind === 'round_ended') j.roundsEnded++;
  else if (ev.kind === 'update_released') {
    j.updatesReleased++;
    j.bytesReleased += ev.bytes;
  } else if (ev.kind === 'privacy_budget_spent') {
    j.epsilonSpent += ev.epsilon;
    j.deltaSpent += ev.delta;
  }
}

/** An event's fields other than `kind`, as "name=value" text (arrays joined with "+"). */
export function eventDetails(ev: AuditEvent): string {
  return Object.entries(ev)
    .filter(([k, v]) => k !== 'kind' && v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? (v.length ? v.map((x) => (typeof x === 'object' && x !== null ? canonicalJson(x) : String(x))).join('+') : '(none)') : String(v)}`)
    .join(', ');
}
