/**
 * The one error class of medfed. Every error a user can meet carries a typed code
 * (documented in docs/errors.md), a message that says what is wrong and what to do,
 * and optionally where (file:line:column or a spec path) and the underlying cause.
 * Across a thread or network boundary errors travel as values (`toJSON` / `fromJSON`).
 */
export const ErrorCodes = {
  /** A job spec or config value is invalid (wrong key, type or range). */
  CONFIG_INVALID: 'MEDFED_ERR_CONFIG_INVALID',
  /** A strategy, aggregator, task, engine or layer name is not registered. */
  UNKNOWN_NAME: 'MEDFED_ERR_UNKNOWN_NAME',
  /** A data file does not fit its declared schema (value, column, row count). */
  DATA_INVALID: 'MEDFED_ERR_DATA_INVALID',
  /** A data file could not be read (missing, unreadable, empty). */
  DATA_UNREADABLE: 'MEDFED_ERR_DATA_UNREADABLE',
  /** Tensor shapes disagree (model spec layers, weights vs model, updates vs global). */
  SHAPE_MISMATCH: 'MEDFED_ERR_SHAPE_MISMATCH',
  /** A serialized tensor file (safetensors) is malformed. */
  FORMAT_INVALID: 'MEDFED_ERR_FORMAT_INVALID',
  /** A statistic was requested on fewer records than the site's k-threshold. */
  PRIVACY_THRESHOLD: 'MEDFED_ERR_PRIVACY_THRESHOLD',
  /** A job would spend more differential-privacy budget (epsilon or delta) than a site has left. */
  PRIVACY_BUDGET_EXCEEDED: 'MEDFED_ERR_PRIVACY_BUDGET_EXCEEDED',
  /** A training engine failed (kernel missing, backend not available). */
  ENGINE_FAILURE: 'MEDFED_ERR_ENGINE_FAILURE',
  /** A site failed or did not answer during a round. */
  SITE_FAILURE: 'MEDFED_ERR_SITE_FAILURE',
  /** Not enough sites replied for the round to be valid. */
  QUORUM_NOT_MET: 'MEDFED_ERR_QUORUM_NOT_MET',
  /** A site was asked to fit or evaluate a job it has not prepared (e.g. it restarted); the coordinator re-sends "prepare". */
  JOB_NOT_PREPARED: 'MEDFED_ERR_JOB_NOT_PREPARED',
  /** A site's policy refused a job (not approved, strategy not allowed, quorum below the site's minimum, ...). */
  JOB_REFUSED: 'MEDFED_ERR_JOB_REFUSED',
  /** The caller's certificate role does not allow this action (e.g. a site kit submitting a job). */
  NOT_AUTHORIZED: 'MEDFED_ERR_NOT_AUTHORIZED',
  /** A job was aborted by an administrator, or stopped because the coordinator shut down. */
  JOB_ABORTED: 'MEDFED_ERR_JOB_ABORTED',
  /** Training diverged (non-finite loss or weights). */
  NUMERIC_DIVERGENCE: 'MEDFED_ERR_NUMERIC_DIVERGENCE',
  /** An audit log failed verification (edited, deleted, reordered or truncated entries, wrong key). */
  AUDIT_TAMPERED: 'MEDFED_ERR_AUDIT_TAMPERED',
  /** An output file or directory could not be written. */
  OUTPUT_FAILURE: 'MEDFED_ERR_OUTPUT_FAILURE',
  /** A secure-aggregation peer broke the protocol (asked for both share kinds of one client, tampered or misaddressed ciphertext, message at the wrong stage). */
  SECAGG_PROTOCOL: 'MEDFED_ERR_SECAGG_PROTOCOL',
  /** A bug in medfed: please report it. */
  INTERNAL: 'MEDFED_ERR_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface MedfedErrorInit {
  /** Where the problem is: "data/heart.csv:12:4", "strategies[1].lr", "layers[3] (conv2d)". */
  where?: string;
  /** What the user should do about it. */
  hint?: string;
  cause?: unknown;
}

export class MedfedError extends Error {
  readonly code: ErrorCode;
  readonly where?: string;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, init: MedfedErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'MedfedError';
    this.code = code;
    this.where = init.where;
    this.hint = init.hint;
  }

  /** One line for a terminal: "code at where: message (hint)". */
  describe(): string {
    const at = this.where ? ` at ${this.where}` : '';
    const hint = this.hint ? `\n  hint: ${this.hint}` : '';
    return `${this.code}${at}: ${this.message}${hint}`;
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, where: this.where, hint: this.hint };
  }

  static fromJSON(e: SerializedError): MedfedError {
    return new MedfedError(e.code, e.message, { where: e.where, hint: e.hint });
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  where?: string;
  hint?: string;
}

/** Wrap anything thrown into a MedfedError (unknown errors become INTERNAL). */
export function asMedfedError(e: unknown): MedfedError {
  if (e instanceof MedfedError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new MedfedError(ErrorCodes.INTERNAL, msg, { cause: e });
}
