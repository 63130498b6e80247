import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';
import { SECAGG_LIMITS } from './config.js';
import { NONCE_BYTES, TAG_BYTES } from './keys.js';

/** Shamir shares of a 32-byte secret are 33 bytes (32 bytes of y values and the x coordinate). */
export const SHARE_BYTES = 33;
/** Encrypted pair of shares (s-key share, self-mask-seed share): nonce + 2 shares + tag. */
export const SEALED_SHARES_BYTES = NONCE_BYTES + 2 * SHARE_BYTES + TAG_BYTES;

const anyBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a Uint8Array');
const bytes = (length: number) =>
  anyBytes.refine((b) => b.length === length, { message: `must be exactly ${length} bytes` });
const clientId = z
  .string()
  .min(1)
  .max(SECAGG_LIMITS.maxIdLength)
  .regex(/^[A-Za-z0-9._:-]+$/, 'client ids use letters, digits, . _ : -');
const round = z.number().int().min(0).max(2 ** 32 - 1);
const idList = z.array(clientId).max(SECAGG_LIMITS.maxClients);
const key32 = bytes(32);

/** Stage 0, client -> server: the two public keys. */
export const advertiseKeysSchema = z.object({ round, clientId, cPublicKey: key32, sPublicKey: key32 }).strict();
export type AdvertiseKeys = z.infer<typeof advertiseKeysSchema>;

/** Stage 0, server -> each client: the graph seed, all participants, and this client's neighbours' keys. */
export const neighbourKeysSchema = z
  .object({
    round,
    clientId,
    graphSeed: key32,
    participants: idList,
    neighbours: z
      .array(z.object({ id: clientId, cPublicKey: key32, sPublicKey: key32 }).strict())
      .max(SECAGG_LIMITS.maxClients),
  })
  .strict();
export type NeighbourKeys = z.infer<typeof neighbourKeysSchema>;

const sealedShares = bytes(SEALED_SHARES_BYTES);

/** Stage 1, client -> server: one encrypted share pair per neighbour. */
export const shareKeysSchema = z
  .object({ round, clientId, shares: z.array(z.object({ to: clientId, ciphertext: sealedShares }).strict()).max(SECAGG_LIMITS.maxClients) })
  .strict();
export type ShareKeys = z.infer<typeof shareKeysSchema>;

/** Stage 1, server -> each client: the share pairs its neighbours addressed to it. */
export const forwardedSharesSchema = z
  .object({ round, clientId, shares: z.array(z.object({ from: clientId, ciphertext: sealedShares }).strict()).max(SECAGG_LIMITS.maxClients) })
  .strict();
export type ForwardedShares = z.infer<typeof forwardedSharesSchema>;

/** Stage 2, client -> server: the masked vector, little-endian uint32 words. */
export const maskedInputSchema = z
  .object({
    round,
    clientId,
    masked: anyBytes
      .refine((b) => b.length % 4 === 0 && b.length > 0 && b.length <= 4 * SECAGG_LIMITS.maxDimension, {
        message: `must be 4..${4 * SECAGG_LIMITS.maxDimension} bytes, a multiple of 4`,
      }),
  })
  .strict();
export type MaskedInput = z.infer<typeof maskedInputSchema>;

/** Stage 3, server -> each survivor: which of its neighbours dropped and which survived stage 2. */
export const unmaskRequestSchema = z.object({ round, clientId, dropped: idList, survived: idList }).strict();
export type UnmaskRequest = z.infer<typeof unmaskRequestSchema>;

const revealedShares = z.array(z.object({ of: clientId, share: bytes(SHARE_BYTES) }).strict()).max(SECAGG_LIMITS.maxClients);

/** Stage 3, client -> server: s-key shares of dropped neighbours, self-mask shares of survivors. */
export const unmaskResponseSchema = z.object({ round, clientId, sKeyShares: revealedShares, selfMaskShares: revealedShares }).strict();
export type UnmaskResponse = z.infer<typeof unmaskResponseSchema>;

/** Schema-check a message; throws FORMAT_INVALID naming the field. Unknown keys are rejected. */
export function checkMessage<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new MedfedError(ErrorCodes.FORMAT_INVALID, `malformed secure-aggregation message: ${formatZodIssues(parsed.error, name)}`, {
      where: `secagg/${name}`,
    });
  }
  return parsed.data;
}
