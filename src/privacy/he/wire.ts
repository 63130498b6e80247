import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { bytesEqual, utf8 } from '../secagg/bytes.js';
import type { Modulus } from './modmath.js';
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

/** Appends fields of up to 24 bits to a byte array (the accumulator stays below 2^31). */
class BitWriter {
  private acc = 0;
  private nbits = 0;
  pos = 0;
  constructor(readonly out: Uint8Array) {}

  write(value: number, bits: number): void {
    this.acc = (this.acc | (value << this.nbits)) >>> 0;
    this.nbits += bits;
    while (this.nbits >= 8) {
      this.out[this.pos++] = this.acc & 255;
      this.acc >>>= 8;
      this.nbits -= 8;
    }
  }

  flush(): void {
    if (this.nbits > 0) this.out[this.pos++] = this.acc & 255;
    this.acc = 0;
    this.nbits = 0;
  }
}

class BitReader {
  private acc = 0;
  private nbits = 0;
  constructor(private readonly input: Uint8Array, private pos: number) {}

  read(bits: number): number {
    while (this.nbits < bits) {
      this.acc = (this.acc | (this.input[this.pos++] << this.nbits)) >>> 0;
      this.nbits += 8;
    }
    const v = this.acc & ((1 << bits) - 1);
    this.acc >>>= bits;
    this.nbits -= bits;
    return v;
  }
}

const T24 = 2 ** 24;

/** Write each coefficient (in [0, q)) rounded to `bits` bits. */
function writeCoefficients(w: BitWriter, values: Float64Array, from: number, count: number, bits: number, mod: Modulus, qBits: number): void {
  const step = 2 ** (qBits - bits);
  const half = mod.q / 2;
  const limit = 2 ** (bits - 1) - 1;
  const wrap = 2 ** bits;
  for (let i = from; i < from + count; i++) {
    const x = values[i];
    let y = Math.round((x > half ? x - mod.q : x) / step);
    if (y > limit) y = limit;
    else if (y < -limit) y = -limit;
    if (y < 0) y += wrap;
    let left = bits;
    while (left > 24) {
      const hi = Math.floor(y / T24);
      w.write(y - hi * T24, 24);
      y = hi;
      left -= 24;
    }
    w.write(y, left);
  }
}

/** Read `count` coefficients of `bits` bits and either store them or add them (mod q) into `into`. */
function readCoefficients(r: BitReader, into: Float64Array, from: number, count: number, bits: number, mod: Modulus, qBits: number, add: boolean): void {
  const step = 2 ** (qBits - bits);
  const signBound = 2 ** (bits - 1);
  const wrap = 2 ** bits;
  const q = mod.q;
  for (let i = from; i < from + count; i++) {
    let y = 0;
    let mult = 1;
    let left = bits;
    while (left > 24) {
      y += r.read(24) * mult;
      mult *= T24;
      left -= 24;
    }
    y += r.read(left) * mult;
    if (y >= signBound) y -= wrap;
    let x = y * step;
    if (x < 0) x += q;
    if (add) {
      x += into[i];
      if (x >= q) x -= q;
    }
    into[i] = x;
  }
}

/**
 * Encode a message: `polys[j]` holds polynomial j of every item back to back (count * N
 * coefficients), j following kindFormat(kind).bits.
 */
export function encodeMessage(ctx: CkksContext, header: HeHeader, polys: readonly Float64Array[]): Uint8Array {
  const { bits } = kindFormat(ctx, header.kind);
  const n = ctx.n;
  if (polys.length !== bits.length || polys.some((p) => p.length !== header.count * n)) {
    throw new MedfedError(ErrorCodes.INTERNAL, `message needs ${bits.length} arrays of ${header.count * n} coefficients`, { where: 'privacy/he' });
  }
  const out = new Uint8Array(messageBytes(ctx, header.kind, header.count));
  const view = new DataView(out.buffer);
  out.set(HE_MAGIC, 0);
  out[4] = HE_WIRE_VERSION;
  out[5] = header.kind;
  out.set(paramsFingerprint(ctx), 8);
  view.setUint32(24, header.round, true);
  view.setUint32(28, header.count, true);
  view.setFloat64(32, header.weight, true);
  out.set(header.layoutFingerprint.length === 16 ? header.layoutFingerprint : new Uint8Array(16), 40);
  const w = new BitWriter(out.subarray(HE_HEADER_BYTES));
  for (let item = 0; item < header.count; item++) {
    for (let j = 0; j < bits.length; j++) writeCoefficients(w, polys[j], item * n, n, bits[j], ctx.mod, ctx.qBits);
  }
  w.flush();
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
  const r = new BitReader(bytes, HE_HEADER_BYTES);
  for (let item = 0; item < header.count; item++) {
    for (let j = 0; j < bits.length; j++) readCoefficients(r, polys[j], item * n, n, bits[j], ctx.mod, ctx.qBits, addInto !== undefined);
  }
  return { header, polys };
}
