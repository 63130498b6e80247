import { z } from 'zod';

/**
 * The audit event kinds: the one place to add a kind. Each kind is a strict zod object
 * with a literal `kind`; the union, the TypeScript type and the list of kinds follow from it.
 * To add a kind, add one schema to `auditEventSchemas` (and a line in docs/audit.md).
 */
const text = z.string().min(1);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters (sha256)');
const jobId = text;
const round = z.number().int().nonnegative();
const siteList = z.array(text);

/** An update filter's record (src/privacy/filters): `by` is "site" (mandatory, policy) or "job" (added by the job spec). */
const appliedFilter = z.strictObject({
  filter: text,
  by: z.enum(['site', 'job']),
  options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.array(z.string()).readonly()])),
  effect: z.record(z.string(), z.number()),
});

const jobDecision = {
  jobId,
  /** sha256 (hex) of the job's spec plus code: what a site admin approves. */
  jobHash: sha256Hex,
  /** Who submitted, approved or refused: a user, an admin or "policy:auto". */
  by: text,
};

export const auditEventSchemas = [
  /** A node (site, admin, researcher) was enrolled: its identity and certificate fingerprint. */
  z.strictObject({ kind: z.literal('enrolment'), subject: text, role: z.enum(['coordinator', 'site', 'project_admin', 'site_admin', 'researcher']), certSha256: sha256Hex.optional() }),
  /** A connection was refused (unknown CA, expired or revoked certificate, no rights). */
  z.strictObject({ kind: z.literal('connection_refused'), peer: text, reason: text }),
  z.strictObject({ kind: z.literal('job_submitted'), ...jobDecision }),
  z.strictObject({ kind: z.literal('job_approved'), ...jobDecision, reason: text.optional() }),
  z.strictObject({ kind: z.literal('job_refused'), ...jobDecision, reason: text }),
  z.strictObject({ kind: z.literal('round_started'), jobId, round, sites: siteList }),
  z.strictObject({ kind: z.literal('round_ended'), jobId, round, sites: siteList }),
  /** A model update left the node: its size, its sha256 and the privacy filters applied to it. */
  z.strictObject({
    kind: z.literal('update_released'),
    jobId,
    round,
    bytes: z.number().int().nonnegative(),
    sha256: sha256Hex,
    filters: z.array(text),
    /** One record per update filter that ran, in order: who required it, its options and what it measurably did. */
    applied: z.array(appliedFilter).optional(),
  }),
  z.strictObject({ kind: z.literal('admin_action'), actor: text, action: text, target: text }),
  z.strictObject({ kind: z.literal('privacy_budget_spent'), jobId, epsilon: z.number().nonnegative(), delta: z.number().min(0).max(1) }),
  /** The head (last seq and entry hash) of another node's log, recorded here so that cutting entries off that log's end is detectable. */
  z.strictObject({
    kind: z.literal('head_anchored'),
    anchoredNode: text,
    seq: z.number().int().nonnegative(),
    entrySha256: sha256Hex,
    /** The anchored node's own ECDSA signature of the head (src/audit/head-anchor.ts), so the anchor can be re-checked with its certificate. */
    signature: z.string().regex(/^[0-9a-f]{128}$/, 'expected 128 lowercase hex characters (ECDSA P-256 r‖s)').optional(),
    /** sha256 (hex) of the DER certificate the signature was checked with. */
    certSha256: sha256Hex.optional(),
  }),
] as const;

export const auditEventSchema = z.discriminatedUnion('kind', auditEventSchemas);

export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditEventKind = AuditEvent['kind'];
/** The event of one kind, e.g. `AuditEventOf<'update_released'>`. */
export type AuditEventOf<K extends AuditEventKind> = Extract<AuditEvent, { kind: K }>;

export const auditEventKinds: readonly AuditEventKind[] = auditEventSchemas.map((s) => s.shape.kind.value);
