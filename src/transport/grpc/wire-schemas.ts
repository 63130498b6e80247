import { z } from 'zod';
import { ErrorCodes } from '../../core/errors.js';
import { modelSpecSchema } from '../../core/model-spec.js';
import { wireSecAggKeysSchema, wireSecAggReplySchema, wireSecAggRequestSchema } from './wire-secagg.js';
import { wireHeReplySchema, wireHeRequestSchema } from './wire-he.js';
import { bulkTokenSchema } from './bulk-wire.js';

/**
 * Strict schemas of the JSON headers on the wire. Tensor fields are blob indices (`blob`) into
 * the message's blob list; the bytes follow in chunk frames. Every header a peer sends is
 * parsed against these before anything acts on it.
 */
const text = z.string().min(1).max(512);
const blob = z.number().int().nonnegative();
const blobMap = z.record(text, blob);
const scalars = z.record(text, z.union([z.number(), z.string().max(4096), z.boolean()]));
const finiteOrNull = z.number().nullable();
const int = z.number().int();
const nonNeg = int.nonnegative();

const trainingSchema = z.strictObject({
  epochs: int.positive(),
  batchSize: int.positive(),
  optimizer: z.strictObject({
    name: z.enum(['sgd', 'momentum', 'adam']),
    lr: z.number(),
    momentum: z.number().optional(),
    weightDecay: z.number().optional(),
  }),
  /** Patient-level DP-SGD of the job (core/messages DpSgdConfig); the site checks it against what it admitted. */
  dpSgd: z
    .strictObject({
      clipNorm: z.number().positive(),
      delta: z.number().gt(0).lt(1),
      noiseMultiplier: z.number().positive().optional(),
      targetEpsilon: z.number().positive().optional(),
      plannedRounds: int.positive(),
    })
    .optional(),
});

/** Deployment jobs: the job spec travels with stats and prepare; the site parses and checks it itself. */
const jobRef = z.strictObject({ specYaml: z.string().min(1).max(1024 * 1024) });

/** Statistics job (docs/federated-statistics.md): what a round releases, and the DP noise. */
const dpMechanism = z.enum(['laplace', 'gaussian']);
const statsQuery = z.strictObject({
  rows: z.enum(['all', 'train']),
  parts: z.array(z.enum(['moments', 'levels', 'histogram'])).max(3),
  dp: z.strictObject({ mechanism: dpMechanism, epsilonPerQuery: z.number().positive(), delta: z.number().positive().lt(1).optional() }).optional(),
});
const statsNoise = z.strictObject({ mechanism: dpMechanism, epsilonPerQuery: z.number().positive(), delta: z.number().positive().lt(1).optional(), queries: nonNeg });

const normalization = z.strictObject({ mean: z.record(text, z.number()), std: z.record(text, z.number()) });

export const wireRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('stats'), jobId: text, k: int.positive(), binEdges: z.record(text, z.array(z.number())).optional(), job: jobRef.optional(), query: statsQuery.optional() }),
  z.strictObject({ kind: z.literal('prepare'), jobId: text, model: modelSpecSchema, normalization: normalization.optional(), job: jobRef.optional() }),
  z.strictObject({
    kind: z.literal('fit'),
    jobId: text,
    round: nonNeg,
    strategy: text,
    strategyOptions: scalars,
    weights: blob,
    directive: z.strictObject({ config: scalars, extra: blobMap }),
    training: trainingSchema,
    seed: int,
    secureAggregation: z
      .strictObject({
        clipRange: z.number().positive(),
        modulusBits: int.min(8).max(32),
        maxClients: int.positive(),
        neighbours: int.positive().optional(),
        exampleScale: z.number().positive(),
      })
      .optional(),
    /** CKKS (docs/homomorphic-encryption.md): the training examples of all the job's sites. */
    homomorphicEncryption: z.strictObject({ exampleTotal: z.number().positive() }).optional(),
  }),
  z.strictObject({ kind: z.literal('evaluate'), jobId: text, round: nonNeg, strategy: text, strategyOptions: scalars, weights: blob }),
  z.strictObject({ kind: z.literal('end-job'), jobId: text }),
  /** The site's audit-log head, to be anchored at the coordinator (docs/audit.md). */
  z.strictObject({ kind: z.literal('audit-head'), jobId: text }),
  wireSecAggRequestSchema,
  wireHeRequestSchema,
]);

const serializedError = z.strictObject({
  code: z.enum(Object.values(ErrorCodes) as [string, ...string[]]),
  message: z.string().max(16384),
  where: z.string().max(4096).optional(),
  hint: z.string().max(4096).optional(),
});

export const wireReplySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('stats'), siteId: text, records: nonNeg, features: z.record(text, z.json()), withheld: z.record(text, z.string().max(4096)), noise: statsNoise.optional() }),
  z.strictObject({ kind: z.literal('prepare'), siteId: text, trainExamples: nonNeg, testExamples: nonNeg, labelCounts: z.array(nonNeg) }),
  z.strictObject({
    kind: z.literal('fit'),
    siteId: text,
    round: nonNeg,
    weights: blob,
    numExamples: nonNeg,
    steps: nonNeg,
    extra: blobMap,
    metrics: z.record(text, z.number()),
    secAggKeys: wireSecAggKeysSchema.optional(),
    /** CKKS: the encrypted update (a blob) instead of weights. */
    heContribution: blob.optional(),
  }),
  z.strictObject({ kind: z.literal('evaluate'), siteId: text, round: nonNeg, numExamples: nonNeg, metrics: z.record(text, finiteOrNull) }),
  z.strictObject({ kind: z.literal('end-job'), siteId: text }),
  z.strictObject({ kind: z.literal('error'), siteId: text, error: serializedError }),
  z.strictObject({
    kind: z.literal('audit-head'),
    siteId: text,
    seq: nonNeg,
    entrySha256: z.string().regex(/^[0-9a-f]{64}$/),
    signature: z.string().regex(/^[0-9a-f]{128}$/),
  }),
  wireSecAggReplySchema,
  wireHeReplySchema,
]);

/** A header frame: message id, the sizes of its blobs, and the request or reply body. */
export const requestHeaderSchema = z.strictObject({
  id: int.nonnegative().max(0xffffffff),
  blobs: z.array(nonNeg),
  body: wireRequestSchema,
  /** The blobs come on a bulk stream (bulk-wire.ts): the site GETs them with this token. */
  bulk: bulkTokenSchema.optional(),
  /** The token for a POST of the reply's blobs on a bulk stream. */
  upload: bulkTokenSchema.optional(),
});

export const replyHeaderSchema = z.strictObject({
  id: int.nonnegative().max(0xffffffff),
  blobs: z.array(nonNeg),
  body: wireReplySchema,
  /** The blobs come on a bulk stream POSTed with this token (the request's `upload`). */
  bulk: bulkTokenSchema.optional(),
});

export type WireRequest = z.output<typeof wireRequestSchema>;
export type WireReply = z.output<typeof wireReplySchema>;
export type RequestHeader = z.output<typeof requestHeaderSchema>;
export type ReplyHeader = z.output<typeof replyHeaderSchema>;
