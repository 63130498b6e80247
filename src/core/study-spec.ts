import { z } from 'zod';
import { layerSpec } from './model-spec.js';
import { dicomImagesDataSchema } from './dicom-images-spec.js';
import { moleculesDataSchema } from './molecules-spec.js';
import { ecgSyntheticDataSchema } from './ecg-synthetic-spec.js';
import { niftiPatchesDataSchema } from './nifti-patches-spec.js';
import { fhirDataSchema } from '../connectors/fhir/spec.js';
import { ckksParamsSchema } from '../privacy/he/params.js';

/**
 * A study ("job spec"): data, federation, local training, models, strategies and baselines.
 * Written in YAML, validated here; a wrong key or value is reported with its path
 * (e.g. `training.optimizer.lr: Too small: expected number to be >0`). See docs/job-spec.md.
 */
const positiveInt = z.number().int().positive();

export const optimizerSchema = z.strictObject({
  name: z.enum(['sgd', 'momentum', 'adam']),
  lr: z.number().positive(),
  momentum: z.number().min(0).lt(1).optional(),
  weightDecay: z.number().min(0).optional(),
});

export const trainingSchema = z.strictObject({
  /** Local epochs per round. */
  epochs: positiveInt.default(1),
  batchSize: positiveInt.default(32),
  optimizer: optimizerSchema.default({ name: 'sgd', lr: 0.05 }),
});

/**
 * Patient-level DP-SGD at every site: a fixed noise multiplier, or a target epsilon at delta from
 * which each site computes its noise multiplier for all planned rounds (docs/differential-privacy.md).
 */
export const dpSgdSpecSchema = z.union([
  z.strictObject({ clipNorm: z.number().positive(), noiseMultiplier: z.number().positive(), delta: z.number().gt(0).lt(1).default(1e-5) }),
  z.strictObject({ clipNorm: z.number().positive(), targetEpsilon: z.number().positive(), delta: z.number().gt(0).lt(1) }),
]);

/**
 * Secure aggregation (SecAgg+) of every round. Each site clips (n_i / n_max) · Δ_i to ±clipRange per
 * value before quantising it modulo 2^modulusBits; neighbours is the graph degree (default from the
 * number of sites).
 */
export const secureAggregationSchema = z.strictObject({
  clipRange: z.number().positive().default(1),
  modulusBits: z.number().int().min(16).max(32).default(32),
  neighbours: z.number().int().min(2).optional(),
});
export type SecureAggregationSpec = z.infer<typeof secureAggregationSchema>;

/**
 * CKKS aggregation of every round (docs/homomorphic-encryption.md): each site encrypts
 * (n_i / sum n) · Δ_i (clipped to ±clip) under the run's collective public key; every site is a key
 * holder (n-of-n). The other fields are the CKKS parameters (`makeCkksParams`).
 */
export const homomorphicEncryptionSchema = ckksParamsSchema.extend({ scheme: z.literal('ckks') });
export type HomomorphicEncryptionSpec = z.infer<typeof homomorphicEncryptionSchema>;

/** Differential privacy for federated runs; `{}` on a strategy turns off a study-wide setting. */
export const privacySchema = z.strictObject({ dpSgd: dpSgdSpecSchema.optional() });
export type PrivacySpec = z.infer<typeof privacySchema>;

const partitionSchema = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('column'), column: z.string().min(1), minRows: positiveInt.default(1) }),
  z.strictObject({
    by: z.literal('dirichlet'),
    sites: z.number().int().min(2),
    alpha: z.number().positive(),
    minRows: positiveInt.default(10),
    /** Every site gets at least this many rows of each class (0: no floor). */
    minPerClass: z.number().int().min(0).default(0),
  }),
  z.strictObject({ by: z.literal('quantity'), sites: z.number().int().min(2), alpha: z.number().positive(), minRows: positiveInt.default(10) }),
  z.strictObject({ by: z.literal('iid'), sites: z.number().int().min(2) }),
]);
export type PartitionSpec = z.infer<typeof partitionSchema>;

export const csvDataSchema = z.strictObject({
  kind: z.literal('csv'),
  /** CSV file, relative to the spec file. */
  file: z.string().min(1),
  /** Tabular schema file (YAML), relative to the spec file. */
  schema: z.string().min(1),
  /** Provenance and licence shown in the report. */
  source: z.string().optional(),
  licence: z.string().optional(),
  partition: partitionSchema,
  testFraction: z.number().gt(0).lt(1).default(0.25),
  /** z-score features with federated mean/std (no raw value leaves a site), or leave as is. */
  normalize: z.enum(['federated-zscore', 'none']).default('federated-zscore'),
});

export type CsvDataSpec = z.infer<typeof csvDataSchema>;

/** The study's data; each kind is prepared by src/simulator/data-kinds/<kind>.ts. */
export const dataSchema = z.discriminatedUnion('kind', [csvDataSchema, dicomImagesDataSchema, moleculesDataSchema, fhirDataSchema, ecgSyntheticDataSchema, niftiPatchesDataSchema]);

export const strategyEntrySchema = z.strictObject({
  name: z.string().min(1),
  /** Shown in results; defaults to the strategy name. */
  label: z.string().optional(),
  options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  /** Overrides of the study's local training for this strategy (e.g. SGD for SCAFFOLD). */
  training: trainingSchema.partial().optional(),
  /** Differential privacy of this strategy's run (overrides the study's `privacy`). */
  privacy: privacySchema.optional(),
});

export const modelEntrySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
  layers: z.array(layerSpec).min(1),
});

export const studySpecSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
  title: z.string().optional(),
  description: z.string().optional(),
  seed: z.number().int().default(42),
  engine: z.string().default('tfjs-wasm'),
  /** Simulator worker threads (default: one per core, at most one per site). */
  threads: positiveInt.optional(),
  data: dataSchema,
  federation: z
    .strictObject({
      rounds: positiveInt.default(10),
      fractionFit: z.number().gt(0).max(1).default(1),
      minSites: positiveInt.default(1),
      /** A site releases no statistic computed on fewer than k records. */
      k: positiveInt.default(5),
      /** SecAgg+ every round: the coordinator sees only the sum of the masked updates (docs/secure-aggregation.md). */
      secureAggregation: secureAggregationSchema.optional(),
      /** CKKS every round: the coordinator sums ciphertexts it cannot read (docs/homomorphic-encryption.md); not with secureAggregation. */
      homomorphicEncryption: homomorphicEncryptionSchema.optional(),
    })
    .default({ rounds: 10, fractionFit: 1, minSites: 1, k: 5 }),
  training: trainingSchema.default({ epochs: 1, batchSize: 32, optimizer: { name: 'sgd', lr: 0.05 } }),
  models: z.array(modelEntrySchema).min(1),
  strategies: z.array(strategyEntrySchema).min(1),
  baselines: z.array(z.enum(['pooled', 'local-only'])).default(['pooled', 'local-only']),
  /** Differential privacy of every federated run (a strategy's own `privacy` overrides it). */
  privacy: privacySchema.optional(),
});

export type StudySpec = z.infer<typeof studySpecSchema>;
export type StrategyEntry = z.infer<typeof strategyEntrySchema>;
export type TrainingSpec = z.infer<typeof trainingSchema>;
