/** The isomorphic audit-trail core: canonical JSON, event kinds, signing, chaining, verification, reports. */
export { canonicalJson, canonicalBytes } from './canonical-json.js';
export { auditEventSchema, auditEventSchemas, auditEventKinds, type AuditEvent, type AuditEventKind, type AuditEventOf } from './events.js';
export { GENESIS_PREV, auditEntryHash, auditEntryLine, auditEntrySchema, signedBytes, type AuditEntry, type UnsignedAuditEntry } from './entry.js';
export { generateAuditKeyPair, auditPublicKey, parseAuditPrivateKey, parseAuditPublicKeys, type AuditKeyPair, type AuditPublicKeys } from './keys.js';
export { signAuditEntry, auditSignatureValid } from './sign.js';
export { nextAuditEntry, headAfter, EMPTY_AUDIT_HEAD, type AuditHead, type ChainedEntry } from './chain.js';
export { verifyAuditLog } from './verify.js';
export { anchorsInLog } from './verify-anchors.js';
export type { AuditProblem, AuditProblemKind, AuditVerifyReport, AuditVerifyOptions, AuditLineResult, AuditAnchor, AuditAnchorCheck } from './verify-types.js';
export { auditHeadSignedBytes, signAuditHead, verifyAuditHead, certificateSha256, type SignedAuditHead } from './head-anchor.js';
export { formatAuditVerifyResult } from './report-text.js';
export { summarizeAuditLog, eventDetails, type AuditSummary, type AuditJobSummary } from './report-summary.js';
export { auditReportHtml } from './report-html.js';
export { auditReportMarkdown } from './report-markdown.js';
export { auditReportCsv } from './report-csv.js';
