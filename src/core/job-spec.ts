import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { canonicalJson } from '../audit/canonical-json.js';
import { tabularSchema } from '../connectors/csv/schema.js';
import { filterChainSpecSchema } from '../privacy/filters/spec.js';
import { ErrorCodes, MedfedError } from './errors.js';
import { dpSgdConfigFor } from '../privacy/dp/run-privacy.js';
import type { TrainingConfig } from './messages.js';
import { homomorphicEncryptionSchema, modelEntrySchema, privacySchema, secureAggregationSchema, strategyEntrySchema, trainingSchema } from './study-spec.js';
import { parseYamlConfig } from './yaml-config.js';

/**
 * A deployment job: one model trained with one strategy by a real federation (docs/jobs.md).
 * Unlike a study spec it names no file: `dataset` is a name each site maps to its own local
 * file in its site configuration, and the tabular `schema` is inline, so every site encodes the
 * same features in the same order. Errors name the path (e.g. `federation.minSites`).
 */
const positiveInt = z.number().int().positive();
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"');

export const federationJobSchema = z.strictObject({
  rounds: positiveInt.default(10),
  fractionFit: z.number().gt(0).max(1).default(1),
  /** Quorum: the fewest replies a round may aggregate (and the sites a job waits for to start). */
  minSites: positiveInt.default(2),
  /** Replies arriving later than this after a round started are dropped. */
  roundDeadlineSeconds: z.number().positive().default(600),
  /** A site releases no statistic computed on fewer than k records. */
  k: positiveInt.default(5),
  /** SecAgg+ every round (docs/secure-aggregation.md); absent = off (the job hash is unchanged). */
  secureAggregation: secureAggregationSchema.optional(),
  /** CKKS every round, every site a key holder (docs/homomorphic-encryption.md); absent = off (the job hash is unchanged). */
  homomorphicEncryption: homomorphicEncryptionSchema.optional(),
});

export const jobSpecSchema = z.strictObject({
  name,
  title: z.string().optional(),
  description: z.string().optional(),
  seed: z.number().int().default(42),
  /** Name of the data set; each site maps it to its own file (site configuration). */
  dataset: name,
  /** The tabular schema of the data set (format of data/heart/schema.yaml, docs/data.md). */
  schema: tabularSchema,
  testFraction: z.number().gt(0).lt(1).default(0.25),
  normalize: z.enum(['federated-zscore', 'none']).default('federated-zscore'),
  federation: federationJobSchema.default({ rounds: 10, fractionFit: 1, minSites: 2, roundDeadlineSeconds: 600, k: 5 }),
  training: trainingSchema.default({ epochs: 1, batchSize: 32, optimizer: { name: 'sgd', lr: 0.05 } }),
  model: modelEntrySchema,
  strategy: strategyEntrySchema.omit({ label: true }),
  /**
   * Optional update filters the job asks every site to apply on top of the site's own mandatory
   * ones (docs/privacy-filters.md). A job can add filters, never remove a site's: the site runs
   * these first and its own policy's filters last. Absent = none (the job hash is unchanged).
   */
  filters: filterChainSpecSchema.optional(),
  /**
   * Patient-level DP-SGD at every site (the study spec's `privacy` block, docs/differential-privacy.md);
   * the strategy's own `privacy` overrides it. Each site checks the job's planned epsilon against its
   * privacy budget before it admits the job. Absent = no DP (the job hash is unchanged).
   */
  privacy: privacySchema.optional(),
});

export type JobSpec = z.infer<typeof jobSpecSchema>;

/**
 * The local training every site of the job runs (what fit requests carry): the job's training,
 * the strategy's overrides, and DP-SGD from `privacy` (strategy over job) planned for all rounds.
 */
export function jobTrainingConfig(spec: JobSpec): TrainingConfig {
  const dpSgd = dpSgdConfigFor(spec.privacy, spec.strategy.privacy, spec.federation.rounds);
  return { ...spec.training, ...spec.strategy.training, ...(dpSgd ? { dpSgd } : {}) };
}

/** Parse and validate a job spec (YAML text); CONFIG_INVALID names the file, line or path. */
export function parseJobSpec(specYaml: string, file = 'job spec'): JobSpec {
  return parseYamlConfig(specYaml, file, jobSpecSchema, 'job spec', 'see docs/jobs.md for every field of a job spec');
}

/**
 * The job hash sites approve: sha256 (hex) of the canonical JSON of the parsed spec (defaults
 * filled in, so comments, key order and layout do not matter) together with the medfed version
 * that runs it ("spec plus code"). The same spec under another medfed version is another job.
 */
export function jobHash(specYaml: string, medfedVersion: string): string {
  if (!medfedVersion) {
    throw new MedfedError(ErrorCodes.INTERNAL, 'jobHash needs the medfed version', { hint: 'pass toolVersion() (src/node/tool-version.ts)' });
  }
  const spec = parseJobSpec(specYaml);
  return bytesToHex(sha256(new TextEncoder().encode(canonicalJson({ medfed: medfedVersion, spec }))));
}
