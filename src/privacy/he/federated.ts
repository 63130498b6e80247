import { sha256 } from '@noble/hashes/sha2.js';
import { assertSameLayout, type Tensor, type Weights } from '../../core/tensors.js';
import { heLayout, type HeLayout } from './layout.js';
import type { CkksParams } from './params.js';
import { createCkksContext, type CkksContext, type SealPublicKey } from './seal-context.js';

const contexts = new Map<string, Promise<CkksContext>>();

/**
 * One CkksContext per parameter set and thread, shared by every job (a context holds parameters,
 * SEAL's encoder and NTT tables and scratch buffers, no key; its methods are synchronous, so jobs
 * in one thread can share it). A failed creation is not cached.
 */
export function sharedCkksContext(params: CkksParams): Promise<CkksContext> {
  const key = JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)));
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = createCkksContext(params);
    contexts.set(key, ctx);
    ctx.catch(() => contexts.delete(key));
  }
  return ctx;
}

/**
 * Helpers shared by the two halves of a CKKS federated round (site/homomorphic-encryption-site.ts,
 * coordinator/he-round.ts). Both derive the round's layout from the global weights the round
 * started from, with the tensors in name order: the coordinator's map and the one a site decodes
 * from the fit request may list them in different orders, and the layout's fingerprint must agree.
 */
export function heRoundLayout(global: Weights): HeLayout {
  return heLayout(new Map([...global].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** local − global, tensor by tensor (same names and shapes). */
export function weightsDelta(local: Weights, global: Weights): Map<string, Tensor> {
  assertSameLayout(global, local, 'update for homomorphic encryption');
  const out = new Map<string, Tensor>();
  for (const [name, g] of global) {
    const l = local.get(name)!.data;
    const d = new Float32Array(g.data.length);
    for (let i = 0; i < d.length; i++) d[i] = l[i] - g.data[i];
    out.set(name, { shape: [...g.shape], data: d });
  }
  return out;
}

/** global + delta, tensor by tensor, in the global model's order. */
export function addDelta(global: Weights, delta: Weights): Map<string, Tensor> {
  assertSameLayout(global, delta, 'decrypted mean update');
  const out = new Map<string, Tensor>();
  for (const [name, g] of global) {
    const d = delta.get(name)!.data;
    const w = new Float32Array(g.data.length);
    for (let i = 0; i < w.length; i++) w[i] = g.data[i] + d[i];
    out.set(name, { shape: [...g.shape], data: w });
  }
  return out;
}

/** SHA-256 (hex) of a public key's coefficients: every site reports it so that all can be seen to hold the same key. */
export function publicKeyDigest(ctx: CkksContext, publicKey: SealPublicKey): string {
  const coeffs = ctx.readPolys('publicKey', publicKey.saveArray(ctx.seal.ComprModeType.none));
  return [...sha256(new Uint8Array(coeffs.buffer, coeffs.byteOffset, coeffs.byteLength))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
