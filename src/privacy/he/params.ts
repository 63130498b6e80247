import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';

/**
 * Largest total coefficient-modulus bit count for 128-bit classical security with a ternary
 * secret, per poly modulus degree (HomomorphicEncryption.org standard, 2018, Table 1; the same
 * table SEAL enforces with `SecurityLevel.tc128`).
 */
export const HE_STANDARD_MAX_LOGQ_128: Readonly<Record<number, number>> = { 1024: 27, 2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881 };

export const ckksParamsSchema = z
  .object({
    /** Ring dimension N (power of two); a ciphertext holds N/2 values. */
    polyModulusDegree: z.union([z.literal(2048), z.literal(4096), z.literal(8192), z.literal(16384)]).default(4096),
    /** Bits of the single ciphertext prime q (SEAL picks the largest prime = 1 mod 2N below 2^bits). */
    coeffModulusBits: z.number().int().min(30).max(50).default(50),
    /** Every value is clipped to [-clip, clip] before weighting and encryption; the scale is set so the weighted sum cannot wrap. */
    clip: z.number().positive().max(2 ** 10).default(1),
    /** Bits kept of each coefficient of c0 on the wire (low bits are rounded away). */
    c0Bits: z.number().int().min(8).max(50).default(30),
    /** Bits kept of each coefficient of c1 on the wire (more than c0: rounding in c1 is multiplied by the secret key). */
    c1Bits: z.number().int().min(8).max(50).default(40),
    /** log2 of the standard deviation of the noise each key holder adds to its partial decryption (noise flooding). */
    smudgingBits: z.number().min(0).max(40).default(19),
  })
  .strict();

export type CkksParams = z.infer<typeof ckksParamsSchema>;
export type CkksParamsInput = z.input<typeof ckksParamsSchema>;

/** Validated CKKS parameters with the defaults filled in. Throws CONFIG_INVALID naming the field. */
export function makeCkksParams(input: CkksParamsInput = {}): CkksParams {
  const parsed = ckksParamsSchema.safeParse(input);
  if (!parsed.success) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid CKKS parameters: ${formatZodIssues(parsed.error, 'he')}`, {
      where: 'he',
      hint: 'see docs/homomorphic-encryption.md for the parameters and their ranges',
    });
  }
  const p = parsed.data;
  const maxLogQ = HE_STANDARD_MAX_LOGQ_128[p.polyModulusDegree];
  if (p.coeffModulusBits > maxLogQ) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `he.coeffModulusBits = ${p.coeffModulusBits} exceeds ${maxLogQ}, the 128-bit security bound for N = ${p.polyModulusDegree}`, {
      where: 'he.coeffModulusBits',
      hint: 'use fewer modulus bits or a larger polyModulusDegree',
    });
  }
  for (const field of ['c0Bits', 'c1Bits'] as const) {
    if (p[field] > p.coeffModulusBits) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `he.${field} = ${p[field]} exceeds he.coeffModulusBits = ${p.coeffModulusBits}`, {
        where: `he.${field}`,
        hint: 'a coefficient cannot keep more bits than the modulus has',
      });
    }
  }
  if (scaleBitsFor(p) < 20) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `he.clip = ${p.clip} leaves a CKKS scale of only 2^${scaleBitsFor(p)}`, {
      where: 'he.clip',
      hint: 'lower the clip range or raise coeffModulusBits',
    });
  }
  return p;
}

/**
 * log2 of the CKKS scale: the largest power of two with scale * clip <= 2^(coeffModulusBits - 3),
 * so a weighted sum with total weight <= 1 stays below q/4 (room for noise, never wraps).
 */
export function scaleBitsFor(p: CkksParams): number {
  return Math.floor(p.coeffModulusBits - 3 - Math.log2(p.clip));
}

/** Values per ciphertext (CKKS slots). */
export function slotsFor(p: CkksParams): number {
  return p.polyModulusDegree / 2;
}
