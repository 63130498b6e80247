import type { SerializedError } from './errors.js';
import type { ModelSpec } from './model-spec.js';
import type { CkksParams } from '../privacy/he/params.js';
import type { ForwardedShares, MaskedInput, NeighbourKeys, ShareKeys, UnmaskRequest, UnmaskResponse } from '../privacy/secagg/messages.js';

/**
 * Typed records exchanged between the coordinator and a site. Tensors travel as safetensors
 * bytes (`Blob` fields), so the same bytes work in memory, across threads and on the wire.
 * Keys are typed fields, never free-form string bags.
 */
export type Blob = Uint8Array;
export type Scalars = Record<string, number | string | boolean>;

/**
 * Patient-level DP-SGD for a job: a fixed noise multiplier, or a target epsilon from which each
 * site computes its own noise multiplier (its sampling rate depends on its size) for
 * `plannedRounds` rounds. See docs/differential-privacy.md.
 */
export interface DpSgdConfig {
  readonly clipNorm: number;
  /** delta at which epsilon is reported (and targeted). */
  readonly delta: number;
  readonly noiseMultiplier?: number;
  readonly targetEpsilon?: number;
  /** Rounds the site may train in this job (the accountant composes over all of them). */
  readonly plannedRounds: number;
}

export interface TrainingConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: {
    readonly name: 'sgd' | 'momentum' | 'adam';
    readonly lr: number;
    readonly momentum?: number;
    readonly weightDecay?: number;
  };
  /** Patient-level DP-SGD at every site (absent: no DP). */
  readonly dpSgd?: DpSgdConfig;
}

/**
 * A deployment job as a site sees it: the job spec exactly as submitted (YAML). The site parses it
 * itself, recomputes its hash (spec plus the site's own medfed version), applies its policy and
 * maps `dataset` to its own file; it never trusts a hash or a data path sent by the coordinator.
 * Absent in the simulator, whose sites are built with their data.
 */
export interface JobRef {
  readonly specYaml: string;
}

/**
 * A federated statistics job's query (docs/federated-statistics.md). Absent: the summary used for
 * z-score normalisation (training rows, moments and min/max, histograms over binEdges).
 */
export interface StatsQuery {
  /** The site's rows to describe: all of them (a statistics job) or its training split. */
  readonly rows: 'all' | 'train';
  /** What this round releases: moments (count, missing, mean, M2; min/max only where the site's policy allows), level counts, histograms over binEdges. */
  readonly parts: readonly ('moments' | 'levels' | 'histogram')[];
  /** Optional differential privacy: noise the site adds to every count and sum it releases. */
  readonly dp?: { readonly mechanism: 'laplace' | 'gaussian'; readonly epsilonPerQuery: number; readonly delta?: number };
}

/** Federated statistics request: summaries of the named features over the site's training rows. */
export interface StatsRequest {
  readonly kind: 'stats';
  readonly jobId: string;
  /** Minimum records for a statistic to be released (the site may enforce a higher k). */
  readonly k: number;
  /** Histogram bin edges per feature (second pass); omitted on the first pass. */
  readonly binEdges?: Record<string, number[]>;
  /** Deployment jobs: the job spec (the site loads the job's dataset from it). */
  readonly job?: JobRef;
  /** A statistics job's query (absent: the normalisation summary). */
  readonly query?: StatsQuery;
}

/** Sets the job's model and the global normalisation statistics at the site. */
export interface PrepareRequest {
  readonly kind: 'prepare';
  readonly jobId: string;
  readonly model: ModelSpec;
  /** z-score statistics per feature from federated statistics (no raw values). */
  readonly normalization?: { readonly mean: Record<string, number>; readonly std: Record<string, number> };
  /** Deployment jobs: the job spec (the site loads the job's dataset from it). */
  readonly job?: JobRef;
}

export interface FitRequest {
  readonly kind: 'fit';
  readonly jobId: string;
  readonly round: number;
  /** Name of the strategy plug-in whose site half runs. */
  readonly strategy: string;
  readonly strategyOptions: Scalars;
  readonly weights: Blob;
  readonly directive: { readonly config: Scalars; readonly extra: Record<string, Blob> };
  readonly training: TrainingConfig;
  /** Seed for this site and round (example order, dropout). */
  readonly seed: number;
  /** Secure aggregation of this round: the site masks its released update instead of sending it. */
  readonly secureAggregation?: SecureAggregationRequest;
  /** CKKS aggregation of this round: the site encrypts its released update instead of sending it. */
  readonly homomorphicEncryption?: HomomorphicEncryptionRequest;
}

/**
 * CKKS for one round (docs/homomorphic-encryption.md): the site encrypts (n_i / exampleTotal) · Δ_i
 * (Δ_i: released weights minus global, clipped) under the job's collective public key ("he" key setup).
 */
export interface HomomorphicEncryptionRequest {
  /** Training examples of all the job's sites (prepare replies), at least the site's own count: the weights sum to at most 1. */
  readonly exampleTotal: number;
}

/**
 * CKKS key setup (once per job) and decryption (once per round); every site is a key holder.
 * key-share: the site draws its secret share for the public seed and returns its public share;
 * public-key: the site combines all shares into the collective public key itself;
 * decrypt: the site returns its partial decryption of the round's aggregate (its c1 polynomials).
 */
export type HeRequest =
  | { readonly kind: 'he'; readonly jobId: string; readonly stage: 'key-share'; readonly params: CkksParams; readonly seed: Blob }
  | { readonly kind: 'he'; readonly jobId: string; readonly stage: 'public-key'; readonly shares: readonly { readonly from: string; readonly bytes: Blob }[] }
  | { readonly kind: 'he'; readonly jobId: string; readonly stage: 'decrypt'; readonly round: number; readonly count: number; readonly layoutFingerprint: Blob; readonly aggregate: Blob };

export type HeReply =
  | { readonly kind: 'he'; readonly siteId: string; readonly stage: 'key-share'; readonly share: Blob }
  /** SHA-256 (hex) of the public key the site computed, so the coordinator can see that every site has the same one. */
  | { readonly kind: 'he'; readonly siteId: string; readonly stage: 'public-key'; readonly publicKeySha256: string }
  | { readonly kind: 'he'; readonly siteId: string; readonly stage: 'decrypt'; readonly round: number; readonly partial: Blob };

/**
 * SecAgg+ for one round (docs/secure-aggregation.md). Each site clips (n_i / exampleScale) · Δ_i
 * to ±clipRange per coordinate (Δ_i: its released weights minus the global weights, all tensors
 * by name), quantises it and masks it; the coordinator learns only the sum over the survivors.
 */
export interface SecureAggregationRequest {
  readonly clipRange: number;
  readonly modulusBits: number;
  /** The sites sampled this round (an upper bound on the inputs summed). */
  readonly maxClients: number;
  /** Neighbour-graph degree (even); absent: the SecAgg+ default for maxClients. */
  readonly neighbours?: number;
  /** Fixed for the job (the largest training set), at least the site's own example count. */
  readonly exampleScale: number;
}

/** The server's message of a SecAgg+ stage to one site (privacy/secagg/messages.ts). */
export type SecAggRequest =
  | { readonly kind: 'secagg'; readonly jobId: string; readonly round: number; readonly stage: 'share'; readonly message: NeighbourKeys }
  | { readonly kind: 'secagg'; readonly jobId: string; readonly round: number; readonly stage: 'mask'; readonly message: ForwardedShares }
  | { readonly kind: 'secagg'; readonly jobId: string; readonly round: number; readonly stage: 'unmask'; readonly message: UnmaskRequest };

/** A site's answer to a SecAgg+ stage. */
export type SecAggReply =
  | { readonly kind: 'secagg'; readonly siteId: string; readonly round: number; readonly stage: 'share'; readonly message: ShareKeys }
  | { readonly kind: 'secagg'; readonly siteId: string; readonly round: number; readonly stage: 'mask'; readonly message: MaskedInput }
  | { readonly kind: 'secagg'; readonly siteId: string; readonly round: number; readonly stage: 'unmask'; readonly message: UnmaskResponse };

export interface EvaluateRequest {
  readonly kind: 'evaluate';
  readonly jobId: string;
  readonly round: number;
  readonly strategy: string;
  readonly strategyOptions: Scalars;
  readonly weights: Blob;
}

export interface EndJobRequest {
  readonly kind: 'end-job';
  readonly jobId: string;
}

/**
 * The site's current audit-log head, for the coordinator to anchor in its own log (docs/audit.md,
 * *Anchoring*): asked after each round; `jobId` names the job whose round it follows.
 */
export interface AuditHeadRequest {
  readonly kind: 'audit-head';
  readonly jobId: string;
}

export type SiteRequest = StatsRequest | PrepareRequest | FitRequest | EvaluateRequest | EndJobRequest | SecAggRequest | HeRequest | AuditHeadRequest;

export interface FeatureSummaryWire {
  readonly count: number;
  readonly missing: number;
  readonly sum: number;
  readonly sumSquares: number;
  readonly min: number;
  readonly max: number;
  readonly histogram?: number[];
}

export interface StatsReply {
  readonly kind: 'stats';
  readonly siteId: string;
  readonly records: number;
  readonly features: Record<string, unknown>;
  /** Features the site withheld (fewer than k records), with the reason. */
  readonly withheld: Record<string, string>;
  /** Statistics job with DP: the noise the site added and how many noisy releases this reply holds. */
  readonly noise?: StatsNoise;
}

export interface StatsNoise {
  readonly mechanism: 'laplace' | 'gaussian';
  readonly epsilonPerQuery: number;
  readonly delta?: number;
  readonly queries: number;
}

export interface PrepareReply {
  readonly kind: 'prepare';
  readonly siteId: string;
  readonly trainExamples: number;
  readonly testExamples: number;
  /** Label counts of the training rows (classification), for reports. */
  readonly labelCounts: number[];
}

export interface FitReplyMessage {
  readonly kind: 'fit';
  readonly siteId: string;
  readonly round: number;
  readonly weights: Blob;
  readonly numExamples: number;
  readonly steps: number;
  readonly extra: Record<string, Blob>;
  readonly metrics: Record<string, number>;
  /** Secure aggregation: the site's SecAgg+ public keys; `weights` and `extra` are then empty. */
  readonly secAggKeys?: { readonly cPublicKey: Blob; readonly sPublicKey: Blob };
  /** CKKS: the site's encrypted weighted update (privacy/he wire format); `weights` and `extra` are then empty. */
  readonly heContribution?: Blob;
}

export interface EvaluateReply {
  readonly kind: 'evaluate';
  readonly siteId: string;
  readonly round: number;
  readonly numExamples: number;
  readonly metrics: Record<string, number | null>;
}

export interface EndJobReply {
  readonly kind: 'end-job';
  readonly siteId: string;
}

export interface ErrorReply {
  readonly kind: 'error';
  readonly siteId: string;
  readonly error: SerializedError;
}

/** The last seq of the site's audit log and that entry's sha256, signed with the site's certificate key (src/audit/head-anchor.ts). */
export interface AuditHeadReply {
  readonly kind: 'audit-head';
  readonly siteId: string;
  readonly seq: number;
  readonly entrySha256: string;
  /** ECDSA P-256 / SHA-256, hex r‖s, over auditHeadSignedBytes({ node: siteId, seq, entrySha256 }). */
  readonly signature: string;
}

export type SiteReply = StatsReply | PrepareReply | FitReplyMessage | EvaluateReply | EndJobReply | ErrorReply | SecAggReply | HeReply | AuditHeadReply;
