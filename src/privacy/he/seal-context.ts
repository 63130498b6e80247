import type { SEALLibrary } from 'node-seal/implementation/seal.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { CkksCoefficientEncoder } from './encode.js';
import { Modulus, Ntt } from './modmath.js';
import { makeCkksParams, scaleBitsFor, slotsFor, type CkksParams, type CkksParamsInput } from './params.js';

type SealLibrary = SEALLibrary;
export type SealContext = ReturnType<SealLibrary['Context']>;
export type SealPublicKey = ReturnType<SealLibrary['PublicKey']>;
export type SealCkksEncoder = ReturnType<SealLibrary['CKKSEncoder']>;
export type SealEvaluator = ReturnType<SealLibrary['Evaluator']>;

let library: Promise<SealLibrary> | undefined;

/**
 * node-seal's module, imported on first use: studies and site workers that never use CKKS do not
 * pay for loading it (~0.2 s per thread). Its loader is the default export under ESM, or
 * `.default` where the UMD build is seen as CommonJS.
 */
async function startSeal(): Promise<SealLibrary> {
  const m = (await import('node-seal')) as unknown as { default: unknown };
  const loader = ((m.default as { default?: unknown }).default ?? m.default) as () => Promise<SealLibrary>;
  return loader();
}

/** node-seal (Microsoft SEAL compiled to WebAssembly), loaded once per process or page. */
export function loadSeal(): Promise<SealLibrary> {
  library ??= startSeal().catch((cause: unknown) => {
    library = undefined;
    throw new MedfedError(ErrorCodes.ENGINE_FAILURE, 'could not load node-seal (Microsoft SEAL WebAssembly)', {
      where: 'privacy/he',
      hint: 'node-seal 6.0.3 is required (7.x needs WebAssembly features Node 20 lacks)',
      cause,
    });
  });
  return library;
}

/**
 * Where the coefficients sit in SEAL's uncompressed serialisation of an object: everything before
 * them (headers, parms_id, scale) is the fixed prefix that this context reproduces, and the
 * coefficients are the trailing `polys * N` little-endian uint64 words (one prime: one RNS row).
 */
interface Template {
  readonly prefix: Uint8Array;
  readonly polys: number;
}

type TemplateKind = 'publicKey' | 'ciphertext' | 'ciphertextCoeff' | 'plaintext' | 'secretKey';

/** A reusable serialisation of one kind: `bytes` (prefix, then coefficients) and a 4-byte-aligned uint32 view of the coefficients. */
interface Scratch {
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * One CKKS parameter set bound to SEAL: context (SEAL validates it at 128-bit security), encoder,
 * the prime q with JS arithmetic and SEAL's NTT, and byte templates to move polynomials into and
 * out of SEAL objects. Build with `createCkksContext`; every party must use the same parameters.
 */
export class CkksContext {
  readonly n: number;
  readonly slots: number;
  readonly scale: number;
  readonly qBits: number;
  /** CKKS encoding straight to coefficient form (SEAL's slot order), used by `encryptUpdate`. */
  readonly coefficientEncoder: CkksCoefficientEncoder;
  private readonly scratches = new Map<TemplateKind, Scratch>();

  private constructor(
    readonly seal: SealLibrary,
    readonly params: CkksParams,
    readonly context: SealContext,
    readonly encoder: SealCkksEncoder,
    readonly evaluator: SealEvaluator,
    readonly mod: Modulus,
    readonly ntt: Ntt,
    private readonly templates: Record<TemplateKind, Template>,
  ) {
    this.n = params.polyModulusDegree;
    this.slots = slotsFor(params);
    this.scale = 2 ** scaleBitsFor(params);
    this.qBits = params.coeffModulusBits;
    this.coefficientEncoder = new CkksCoefficientEncoder(this.n);
  }

  static async create(input: CkksParamsInput = {}): Promise<CkksContext> {
    const params = makeCkksParams(input);
    const seal = await loadSeal();
    const n = params.polyModulusDegree;
    const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
    parms.setPolyModulusDegree(n);
    parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from([params.coeffModulusBits])));
    const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
    if (!context.parametersSet()) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `SEAL rejected the CKKS parameters N = ${n}, q of ${params.coeffModulusBits} bits`, {
        where: 'he',
        hint: 'use the defaults (N = 4096, 50-bit q) or see docs/homomorphic-encryption.md',
      });
    }
    const q = Number(context.firstContextData.parms.coeffModulus[0]);
    const mod = new Modulus(q);
    const encoder = seal.CKKSEncoder(context);
    // Templates: serialise throwaway objects of each kind once and keep everything but the coefficients.
    const keygen = seal.KeyGenerator(context);
    const sk = keygen.secretKey();
    const pk = keygen.createPublicKey();
    const scale = 2 ** scaleBitsFor(params);
    const plain = encoder.encode(new Float64Array(slotsFor(params)), scale)!;
    const cipher = seal.Encryptor(context, pk).encrypt(plain)!;
    const evaluator = seal.Evaluator(context);
    const cipherCoeff = evaluator.cipherTransformFromNtt(cipher)!;
    const none = seal.ComprModeType.none;
    const template = (bytes: Uint8Array, polys: number): Template => ({ prefix: bytes.slice(0, bytes.length - polys * n * 8), polys });
    const templates = {
      publicKey: template(pk.saveArray(none), 2),
      ciphertext: template(cipher.saveArray(none), 2),
      ciphertextCoeff: template(cipherCoeff.saveArray(none), 2),
      plaintext: template(plain.saveArray(none), 1),
      secretKey: template(sk.saveArray(none), 1),
    };
    for (const o of [sk, pk, plain, cipher, cipherCoeff, keygen]) o.delete();
    return new CkksContext(seal, params, context, encoder, evaluator, mod, new Ntt(n, mod), templates);
  }

  /** The coefficients (NTT form, values in [0, q)) of an object SEAL serialised without compression. */
  readPolys(kind: TemplateKind, bytes: Uint8Array): Float64Array {
    const out = new Float64Array(this.templates[kind].polys * this.n);
    this.readPolysInto(kind, bytes, out);
    return out;
  }

  /** `readPolys` into an existing array of the right length (no allocation). */
  readPolysInto(kind: TemplateKind, bytes: Uint8Array, out: Float64Array): void {
    const t = this.templates[kind];
    const count = t.polys * this.n;
    if (bytes.length !== t.prefix.length + count * 8 || out.length !== count) {
      throw new MedfedError(ErrorCodes.INTERNAL, `SEAL ${kind} has ${bytes.length} bytes, expected ${t.prefix.length + count * 8}`, { where: 'privacy/he' });
    }
    const s = this.scratch(kind);
    if (LITTLE_ENDIAN_HOST) {
      // One memcpy to 4-byte alignment, then whole words.
      s.bytes.set(bytes.subarray(t.prefix.length), t.prefix.length);
      const words = s.words;
      for (let i = 0; i < count; i++) out[i] = words[2 * i] + words[2 * i + 1] * 4294967296;
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset + t.prefix.length, count * 8);
      for (let i = 0; i < count; i++) out[i] = view.getUint32(8 * i, true) + view.getUint32(8 * i + 4, true) * 4294967296;
    }
  }

  /** SEAL's uncompressed serialisation of a `kind` object whose coefficients are `polys` (values in [0, q)). */
  writePolys(kind: TemplateKind, polys: Float64Array): Uint8Array {
    return this.writePolysScratch(kind, polys).slice();
  }

  /**
   * `writePolys` into this context's scratch buffer for `kind`: no allocation, but the bytes are
   * only valid until the next read or write of the same kind (hand them to SEAL's `loadArray` at once).
   */
  writePolysScratch(kind: TemplateKind, polys: Float64Array): Uint8Array {
    const t = this.templates[kind];
    const count = t.polys * this.n;
    if (polys.length !== count) throw new MedfedError(ErrorCodes.INTERNAL, `${kind} needs ${count} coefficients, got ${polys.length}`, { where: 'privacy/he' });
    const s = this.scratch(kind);
    if (LITTLE_ENDIAN_HOST) {
      const words = s.words;
      for (let i = 0; i < count; i++) {
        const hi = Math.floor(polys[i] * 2.3283064365386963e-10);
        words[2 * i] = polys[i] - hi * 4294967296;
        words[2 * i + 1] = hi;
      }
    } else {
      const view = new DataView(s.bytes.buffer, s.bytes.byteOffset + t.prefix.length, count * 8);
      for (let i = 0; i < count; i++) {
        const hi = Math.floor(polys[i] / 4294967296);
        view.setUint32(8 * i, polys[i] - hi * 4294967296, true);
        view.setUint32(8 * i + 4, hi, true);
      }
    }
    return s.bytes;
  }

  private scratch(kind: TemplateKind): Scratch {
    let s = this.scratches.get(kind);
    if (!s) {
      const t = this.templates[kind];
      const count = t.polys * this.n;
      const pad = (4 - (t.prefix.length % 4)) % 4;
      const buffer = new ArrayBuffer(pad + t.prefix.length + 8 * count);
      const bytes = new Uint8Array(buffer, pad);
      bytes.set(t.prefix);
      s = { bytes, words: new Uint32Array(buffer, pad + t.prefix.length, 2 * count) };
      this.scratches.set(kind, s);
    }
    return s;
  }
}

/**
 * NTT form of coefficient-form polynomials (values in [0, q), `count` back to back), computed by
 * SEAL: each pair is loaded as a coefficient-form ciphertext and transformed in WebAssembly.
 */
export function polysToNtt(ctx: CkksContext, coeffs: Float64Array): Float64Array {
  const n = ctx.n;
  const count = coeffs.length / n;
  const out = new Float64Array(coeffs.length);
  const cipher = ctx.seal.CipherText();
  const none = ctx.seal.ComprModeType.none;
  const pair = new Float64Array(2 * n);
  try {
    for (let c = 0; c < count; c += 2) {
      pair.set(coeffs.subarray(c * n, (c + 1) * n), 0);
      // An odd last polynomial is paired with itself: SEAL refuses c1 = 0 as a transparent ciphertext.
      pair.set(coeffs.subarray(c + 1 < count ? (c + 1) * n : c * n, c + 1 < count ? (c + 2) * n : (c + 1) * n), n);
      cipher.loadArray(ctx.context, ctx.writePolys('ciphertextCoeff', pair));
      ctx.evaluator.cipherTransformToNtt(cipher, cipher);
      const ntt = ctx.readPolys('ciphertext', cipher.saveArray(none));
      out.set(ntt.subarray(0, Math.min(2, count - c) * n), c * n);
    }
  } finally {
    cipher.delete();
  }
  return out;
}

/** Build (and validate) a CKKS context; SEAL is loaded on first use. */
export function createCkksContext(input: CkksParamsInput = {}): Promise<CkksContext> {
  return CkksContext.create(input);
}
