import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { bytesEqual, utf8 } from '../secagg/bytes.js';
import type { CkksContext } from './seal-context.js';

/**
 * The binary messages of CKKS aggregation. No generic deserialisation: a message is a fixed
 * 56-byte header followed by bit-packed polynomial coefficients, and its exact length follows from
 * the header and the parameters, so it is checked (and capped) before anything is decoded.
 * Untrusted bytes never reach SEAL's loader.
 *
 *   0  "MFHE"            4  version (1)       5  kind              6  reserved (0, u16)
 *   8  parameter fingerprint (16 bytes)      24  round (u32)       28  count (u32)
 *  32  weight (f64; contributions only, else 0)                    40  layout fingerprint (16 bytes)
 *  56  coefficients, little-endian bit stream, per polynomial N coefficients of `bits` bits each
 *
 * A coefficient x in [0, q) is sent as round(x_c / 2^k) in two's complement, where x_c is x
 * centred into (-q/2, q/2) and k = qBits - bits, so dropping k low bits costs at most 2^(k-1)
 * per coefficient. All multi-byte fields are little-endian.
 */

export const HE_MAGIC = utf8('MFHE');
export const HE_WIRE_VERSION = 1;
export const HE_HEADER_BYTES = 56;
/** Hard cap on any message, whatever the parameters (2 GiB minus change). */
export const HE_MAX_MESSAGE_BYTES = 2 ** 31 - 1;

export const HeMessageKind = {
  /** site -> coordinator: a site's encrypted, weighted update (c0 and c1 of each ciphertext). */
  contribution: 1,
  /** key holder -> coordinator: a partial decryption c1 * s_i + e of the aggregate. */
  partialDecryption: 2,
  /** key holder -> everyone: a public key share b_i = -a s_i + e_i. */
  publicKeyShare: 3,
  /** coordinator -> key holders: the c1 polynomials of the aggregate, to be partially decrypted. */
  aggregate: 4,
} as const;
export type HeMessageKind = (typeof HeMessageKind)[keyof typeof HeMessageKind];

const KIND_NAMES: Record<number, string> = { 1: 'contribution', 2: 'partial decryption', 3: 'public key share', 4: 'aggregate' };

export interface HeHeader {
  readonly kind: HeMessageKind;
  readonly round: number;
  /** Ciphertexts (contribution, aggregate, partial decryption) or 1 (key share). */
  readonly count: number;
  readonly weight: number;
  readonly layoutFingerprint: Uint8Array;
}

/** Bits per coefficient and polynomials per item for each kind. */
export function kindFormat(ctx: CkksContext, kind: HeMessageKind): { bits: number[] } {
  const p = ctx.params;
  switch (kind) {
    case HeMessageKind.contribution:
      return { bits: [p.c0Bits, p.c1Bits] };
    case HeMessageKind.partialDecryption:
      return { bits: [p.c0Bits] };
    default:
      return { bits: [ctx.qBits] };
  }
}

/** First 16 bytes of SHA-256 over the parameters and the prime SEAL chose. */
export function paramsFingerprint(ctx: CkksContext): Uint8Array {
  const p = ctx.params;
  const text = `ckks;N=${p.polyModulusDegree};q=${ctx.mod.q};clip=${p.clip};c0=${p.c0Bits};c1=${p.c1Bits};smudge=${p.smudgingBits}`;
  return sha256(utf8(text)).slice(0, 16);
}

/** Exact byte length of a message of this kind and count. */
export function messageBytes(ctx: CkksContext, kind: HeMessageKind, count: number): number {
  const bitsPerItem = kindFormat(ctx, kind).bits.reduce((a, b) => a + b, 0) * ctx.n;
  return HE_HEADER_BYTES + Math.ceil((count * bitsPerItem) / 8);
}

const T24 = 2 ** 24;
const INV24 = 2 ** -24;

/**
 * Write each coefficient of `values[from … from + count)` (in [0, q)) rounded to `bits` bits into
 * `out` from byte `pos` on, as a little-endian bit stream; returns the byte after the last one
 * written. Each field is split into pieces of at most 24 bits so that the accumulator stays below
 * 2^32. A polynomial of N >= 8 coefficients fills whole bytes, so every polynomial starts on a byte.
 */
function writeCoefficients(out: Uint8Array, pos: number, values: Float64Array, from: number, count: number, bits: number, q: number, qBits: number): number {
  const inv = 2 ** (bits - qBits);
  const half = q / 2;
  const limit = 2 ** (bits - 1) - 1;
  const wrap = 2 ** bits;
  const loBits = Math.min(bits, 24);
  const hiBits = bits - loBits;
  const qScaled = q * inv;
  if (bits % 8 === 0) {
    // Whole bytes per field (c1's 40 bits): no bit accumulator.
    const bytes = bits / 8;
    for (let i = from; i < from + count; i++) {
      let y = Math.floor(values[i] * inv - +(values[i] > half) * qScaled + 0.5);
      y = y > limit ? limit : y < -limit ? -limit : y;
      y += wrap * +(y < 0);
      const hi = Math.floor(y * INV24);
      const lo = y - hi * T24;
      out[pos] = lo;
      if (bytes > 1) out[pos + 1] = lo >>> 8;
      if (bytes > 2) out[pos + 2] = lo >>> 16;
      for (let b = 3, h = hi; b < bytes; b++, h >>>= 8) out[pos + b] = h;
      pos += bytes;
    }
    return pos;
  }
  let acc = 0;
  let nbits = 0;
  for (let i = from; i < from + count; i++) {
    // round(x_c / 2^k) with x_c = x - q for x > q/2; written without branches on the (random) sign,
    // which the CPU could not predict. Every term is a multiple of 2^(bits - qBits) below 2^bits: exact.
    let y = Math.floor(values[i] * inv - +(values[i] > half) * qScaled + 0.5);
    y = y > limit ? limit : y < -limit ? -limit : y;
    y += wrap * +(y < 0);
    const hi = Math.floor(y * INV24);
    acc |= (y - hi * T24) << nbits;
    nbits += loBits;
    if (nbits >= 16) {
      out[pos] = acc;
      out[pos + 1] = acc >>> 8;
      pos += 2;
      acc >>>= 16;
      nbits -= 16;
    }
    if (nbits >= 8) {
      out[pos++] = acc;
      acc >>>= 8;
      nbits -= 8;
    }
    if (hiBits > 0) {
      let h = hi;
      if (hiBits > 24) {
        const h2 = Math.floor(hi * INV24);
        acc |= (hi - h2 * T24) << nbits;
        nbits += 24;
        while (nbits >= 8) {
          out[pos++] = acc;
          acc >>>= 8;
          nbits -= 8;
        }
        h = h2;
      }
      acc |= h << nbits;
      nbits += hiBits > 24 ? hiBits - 24 : hiBits;
      while (nbits >= 8) {
        out[pos++] = acc;
        acc >>>= 8;
        nbits -= 8;
      }
    }
  }
  if (nbits > 0) out[pos++] = acc;
  return pos;
}

/**
 * Read `count` coefficients of `bits` bits from byte `pos` on and either store them or add them
 * (mod q) into `into`; returns the byte after the last one read.
 */
function readCoefficients(input: Uint8Array, pos: number, into: Float64Array, from: number, count: number, bits: number, q: number, qBits: number, add: boolean): number {
  const step = 2 ** (qBits - bits);
  const signBound = 2 ** (bits - 1);
  const wrap = 2 ** bits;
  let acc = 0;
  let nbits = 0;
  for (let i = from; i < from + count; i++) {
    let y = 0;
    let mult = 1;
    let left = bits;
    while (left > 24) {
      while (nbits < 24) {
        acc = (acc | (input[pos++] << nbits)) >>> 0;
        nbits += 8;
      }
      y += (acc & 0xffffff) * mult;
      acc >>>= 24;
      nbits -= 24;
      mult *= T24;
      left -= 24;
    }
    while (nbits < left) {
      acc = (acc | (input[pos++] << nbits)) >>> 0;
      nbits += 8;
    }
    y += (acc & ((1 << left) - 1)) * mult;
    acc >>>= left;
    nbits -= left;
    if (y >= signBound) y -= wrap;
    let x = y * step;
    if (x < 0) x += q;
    if (add) {
      x += into[i];
      if (x >= q) x -= q;
    }
    into[i] = x;
  }
  return pos;
}

/**
 * Encode a message: `polys[j]` holds polynomial j of every item back to back (count * N
 * coefficients), j following kindFormat(kind).bits.
 */
export function encodeMessage(ctx: CkksContext, header: HeHeader, polys: readonly Float64Array[]): Uint8Array {
  return assembleMessage(ctx, header, [encodeItems(ctx, header.kind, polys, header.count)]);
}

/**
 * The packed coefficients of `count` items (a message body without its header). Every item fills
 * whole bytes, so the bodies of consecutive item ranges concatenate into one message body.
 */
export function encodeItems(ctx: CkksContext, kind: HeMessageKind, polys: readonly Float64Array[], count: number): Uint8Array {
  const { bits } = kindFormat(ctx, kind);
  const n = ctx.n;
  if (polys.length !== bits.length || polys.some((p) => p.length !== count * n)) {
    throw new MedfedError(ErrorCodes.INTERNAL, `message needs ${bits.length} arrays of ${count * n} coefficients`, { where: 'privacy/he' });
  }
  const out = new Uint8Array(messageBytes(ctx, kind, count) - HE_HEADER_BYTES);
  let pos = 0;
  for (let item = 0; item < count; item++) {
    for (let j = 0; j < bits.length; j++) pos = writeCoefficients(out, pos, polys[j], item * n, n, bits[j], ctx.mod.q, ctx.qBits);
  }
  return out;
}

/** The header followed by the bodies of consecutive item ranges (`encodeItems`), whose total must be exactly `header.count` items. */
export function assembleMessage(ctx: CkksContext, header: HeHeader, bodies: readonly Uint8Array[]): Uint8Array {
  const total = messageBytes(ctx, header.kind, header.count);
  const bodyBytes = bodies.reduce((s, b) => s + b.length, 0);
  if (HE_HEADER_BYTES + bodyBytes !== total) {
    throw new MedfedError(ErrorCodes.INTERNAL, `message bodies hold ${bodyBytes} bytes, ${header.count} items need ${total - HE_HEADER_BYTES}`, { where: 'privacy/he' });
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(HE_MAGIC, 0);
  out[4] = HE_WIRE_VERSION;
  out[5] = header.kind;
  out.set(paramsFingerprint(ctx), 8);
  view.setUint32(24, header.round, true);
  view.setUint32(28, header.count, true);
  view.setFloat64(32, header.weight, true);
  out.set(header.layoutFingerprint.length === 16 ? header.layoutFingerprint : new Uint8Array(16), 40);
  let pos = HE_HEADER_BYTES;
  for (const b of bodies) {
    out.set(b, pos);
    pos += b.length;
  }
  return out;
}

export interface DecodeExpectation {
  readonly kind: HeMessageKind;
  readonly round: number;
  /** Exact number of items the message must hold. */
  readonly count: number;
  /** Required layout fingerprint (contributions and aggregates). */
  readonly layoutFingerprint?: Uint8Array;
  /** Where the message came from, for error messages ("site-3", "key holder kh-1"). */
  readonly from: string;
}

function reject(what: string, from: string): never {
  throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `homomorphic-encryption message from ${from} rejected: ${what}`, {
    where: 'privacy/he',
    hint: 'every party must run the same medfed version with the same CKKS parameters, round and model layout',
  });
}

/** Check a message's length and header against what is expected; returns the header. */
export function checkMessage(ctx: CkksContext, bytes: Uint8Array, expect: DecodeExpectation): HeHeader {
  const { from } = expect;
  if (!(bytes instanceof Uint8Array)) reject('not a byte array', from);
  const expectedLength = messageBytes(ctx, expect.kind, expect.count);
  if (expectedLength > HE_MAX_MESSAGE_BYTES) reject(`it would need ${expectedLength} bytes, above the cap of ${HE_MAX_MESSAGE_BYTES}`, from);
  if (bytes.length !== expectedLength) reject(`${bytes.length} bytes, expected exactly ${expectedLength} for a ${KIND_NAMES[expect.kind]} of ${expect.count} ciphertext(s)`, from);
  if (!bytesEqual(bytes.subarray(0, 4), HE_MAGIC)) reject('bad magic (not a medfed HE message)', from);
  if (bytes[4] !== HE_WIRE_VERSION) reject(`wire version ${bytes[4]}, expected ${HE_WIRE_VERSION}`, from);
  if (bytes[5] !== expect.kind) reject(`kind ${KIND_NAMES[bytes[5]] ?? bytes[5]}, expected ${KIND_NAMES[expect.kind]}`, from);
  if (bytes[6] !== 0 || bytes[7] !== 0) reject('reserved bytes are not zero', from);
  if (!bytesEqual(bytes.subarray(8, 24), paramsFingerprint(ctx))) reject('made with other CKKS parameters', from);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const round = view.getUint32(24, true);
  if (round !== expect.round) reject(`round ${round}, expected ${expect.round}`, from);
  const count = view.getUint32(28, true);
  if (count !== expect.count) reject(`${count} ciphertexts, expected ${expect.count}`, from);
  const weight = view.getFloat64(32, true);
  if (expect.kind === HeMessageKind.contribution) {
    if (!(weight > 0 && weight <= 1)) reject(`weight ${weight} is not in (0, 1]`, from);
  } else if (weight !== 0) reject(`weight ${weight} on a ${KIND_NAMES[expect.kind]} (must be 0)`, from);
  const layoutFingerprint = bytes.slice(40, 56);
  const wantLayout = expect.layoutFingerprint ?? new Uint8Array(16);
  if (!bytesEqual(layoutFingerprint, wantLayout)) reject('made for another model layout (tensor names or shapes differ)', from);
  return { kind: expect.kind, round, count, weight, layoutFingerprint };
}

/**
 * Check and decode a message into its polynomials (values in [0, q)); with `addInto`, add them
 * modulo q into existing arrays instead (the coordinator's running sum).
 */
export function decodeMessage(ctx: CkksContext, bytes: Uint8Array, expect: DecodeExpectation, addInto?: Float64Array[]): { header: HeHeader; polys: Float64Array[] } {
  const header = checkMessage(ctx, bytes, expect);
  const { bits } = kindFormat(ctx, expect.kind);
  const n = ctx.n;
  const polys = addInto ?? bits.map(() => new Float64Array(header.count * n));
  if (polys.length !== bits.length || polys.some((p) => p.length !== header.count * n)) {
    throw new MedfedError(ErrorCodes.INTERNAL, 'accumulator does not match the message format', { where: 'privacy/he' });
  }
  let pos = HE_HEADER_BYTES;
  for (let item = 0; item < header.count; item++) {
    for (let j = 0; j < bits.length; j++) pos = readCoefficients(bytes, pos, polys[j], item * n, n, bits[j], ctx.mod.q, ctx.qBits, addInto !== undefined);
  }
  return { header, polys };
}
