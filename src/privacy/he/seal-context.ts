import SEALImport from 'node-seal';
import type { SEALLibrary } from 'node-seal/implementation/seal.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { bytesLE, wordsLE } from '../secagg/bytes.js';
import { Modulus, Ntt } from './modmath.js';
import { makeCkksParams, scaleBitsFor, slotsFor, type CkksParams, type CkksParamsInput } from './params.js';

type SealLibrary = SEALLibrary;
/** node-seal's loader: the default export under ESM, or `.default` where the UMD build is seen as CommonJS. */
const SEAL = ((SEALImport as unknown as { default?: unknown }).default ?? SEALImport) as () => Promise<SealLibrary>;
export type SealContext = ReturnType<SealLibrary['Context']>;
export type SealPublicKey = ReturnType<SealLibrary['PublicKey']>;
export type SealCkksEncoder = ReturnType<SealLibrary['CKKSEncoder']>;
export type SealEvaluator = ReturnType<SealLibrary['Evaluator']>;

let library: Promise<SealLibrary> | undefined;

/** node-seal (Microsoft SEAL compiled to WebAssembly), loaded once per process or page. */
export function loadSeal(): Promise<SealLibrary> {
  library ??= SEAL().catch((cause: unknown) => {
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

  private constructor(
    readonly seal: SealLibrary,
    readonly params: CkksParams,
    readonly context: SealContext,
    readonly encoder: SealCkksEncoder,
    readonly evaluator: SealEvaluator,
    readonly mod: Modulus,
    readonly ntt: Ntt,
    private readonly templates: { publicKey: Template; ciphertext: Template; ciphertextCoeff: Template; plaintext: Template; secretKey: Template },
  ) {
    this.n = params.polyModulusDegree;
    this.slots = slotsFor(params);
    this.scale = 2 ** scaleBitsFor(params);
    this.qBits = params.coeffModulusBits;
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
  readPolys(kind: keyof CkksContext['templates'], bytes: Uint8Array): Float64Array {
    const t = this.templates[kind];
    const count = t.polys * this.n;
    if (bytes.length !== t.prefix.length + count * 8) {
      throw new MedfedError(ErrorCodes.INTERNAL, `SEAL ${kind} has ${bytes.length} bytes, expected ${t.prefix.length + count * 8}`, { where: 'privacy/he' });
    }
    const words = wordsLE(bytes.subarray(t.prefix.length));
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = words[2 * i] + words[2 * i + 1] * 4294967296;
    return out;
  }

  /** SEAL's uncompressed serialisation of a `kind` object whose coefficients are `polys` (values in [0, q)). */
  writePolys(kind: keyof CkksContext['templates'], polys: Float64Array): Uint8Array {
    const t = this.templates[kind];
    if (polys.length !== t.polys * this.n) throw new MedfedError(ErrorCodes.INTERNAL, `${kind} needs ${t.polys * this.n} coefficients, got ${polys.length}`, { where: 'privacy/he' });
    const words = new Uint32Array(2 * polys.length);
    for (let i = 0; i < polys.length; i++) {
      const hi = Math.floor(polys[i] / 4294967296);
      words[2 * i] = polys[i] - hi * 4294967296;
      words[2 * i + 1] = hi;
    }
    const out = new Uint8Array(t.prefix.length + words.byteLength);
    out.set(t.prefix);
    out.set(bytesLE(words), t.prefix.length);
    return out;
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
