import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';

/** How a float is turned into an integer after clipping and scaling. */
export type RoundingMode = 'stochastic' | 'nearest';

/** Parameters of one SecAgg+ round; every party (server and clients) must use the same values. */
export interface SecAggConfig {
  /** Round identifier, bound into every key derivation and every ciphertext's associated data. */
  round: number;
  /** Number of parameters in the vector being summed. */
  dimension: number;
  /** Most clients that may take part; fixes the quantisation scale so the sum cannot wrap. */
  maxClients: number;
  /** Neighbour-graph degree k (even); the graph is complete when n <= k + 1. */
  neighbours: number;
  /** Shamir threshold t; undefined = floor(degree / 2) + 1. Must satisfy 2t > degree and t >= 2. */
  threshold?: number;
  /** Values are clipped to [-clipRange, clipRange] before quantisation. */
  clipRange: number;
  /** Arithmetic is modulo 2^modulusBits (8..32). */
  modulusBits: number;
  /** 'stochastic' (unbiased, CSPRNG) or 'nearest' (deterministic, half away from zero). */
  rounding: RoundingMode;
}

/** Hard caps that keep every message bounded. */
export const SECAGG_LIMITS = {
  maxClients: 1000,
  maxDimension: 1 << 26,
  maxIdLength: 64,
} as const;

/** Default degree: the smallest even k >= 2 * ceil(log2 n), at least 4 (paper: k = O(log n)). */
export function defaultNeighbours(maxClients: number): number {
  const k = Math.max(4, 2 * Math.ceil(Math.log2(Math.max(2, maxClients))));
  return k % 2 === 0 ? k : k + 1;
}

const configSchema = z
  .object({
    round: z.number().int().min(0).max(2 ** 32 - 1),
    dimension: z.number().int().min(1).max(SECAGG_LIMITS.maxDimension),
    maxClients: z.number().int().min(3).max(SECAGG_LIMITS.maxClients),
    neighbours: z.number().int().min(2).max(254).optional(),
    threshold: z.number().int().min(2).max(254).optional(),
    clipRange: z.number().positive().finite(),
    modulusBits: z.number().int().min(8).max(32).default(32),
    rounding: z.enum(['stochastic', 'nearest']).default('stochastic'),
  })
  .strict();

export type SecAggConfigInput = z.input<typeof configSchema>;

/** Validate and complete a config (defaults: k from maxClients, 32-bit modulus, stochastic rounding). */
export function makeSecAggConfig(input: SecAggConfigInput): SecAggConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid secure-aggregation config: ${formatZodIssues(parsed.error, 'secagg')}`, {
      where: 'secagg',
    });
  }
  const c = parsed.data;
  const neighbours = c.neighbours ?? defaultNeighbours(c.maxClients);
  if (neighbours % 2 !== 0) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `secagg.neighbours must be even (the Harary graph needs it), got ${neighbours}`, {
      where: 'secagg.neighbours',
      hint: `use ${neighbours + 1}`,
    });
  }
  const scale = quantisationScale(c);
  if (!(scale >= 1)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `modulus 2^${c.modulusBits} is too small for ${c.maxClients} clients at clipRange ${c.clipRange}: scale ${scale} < 1`, {
      where: 'secagg.modulusBits',
      hint: 'raise modulusBits or lower clipRange / maxClients',
    });
  }
  return { ...c, neighbours };
}

/**
 * Integers per unit. Each client's value has magnitude <= clipRange * scale + 1 after rounding, so the
 * sum of maxClients values stays below 2^(bits-1) and decodes as a signed integer without wrapping.
 */
export function quantisationScale(c: Pick<SecAggConfig, 'modulusBits' | 'maxClients' | 'clipRange'>): number {
  return (2 ** (c.modulusBits - 1) - 1 - c.maxClients) / (c.maxClients * c.clipRange);
}

/** Threshold used with a given neighbourhood size (explicit config, else floor(degree/2) + 1). */
export function thresholdFor(c: SecAggConfig, degree: number): number {
  const t = c.threshold ?? Math.floor(degree / 2) + 1;
  if (t < 2 || t > degree || 2 * t <= degree) {
    throw new MedfedError(
      ErrorCodes.CONFIG_INVALID,
      `secagg threshold ${t} does not fit a neighbourhood of ${degree}: need 2 <= t <= ${degree} and 2t > ${degree}`,
      { where: 'secagg.threshold', hint: 'leave threshold unset for floor(k/2)+1, or enrol at least 3 clients' },
    );
  }
  return t;
}
