import { Worker } from 'node:worker_threads';
import type { Weights } from '../core/tensors.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { encryptItems, publicKeyPolys, weightedValues, type EncryptedUpdate } from '../privacy/he/encrypt.js';
import { ciphertextCount, type HeLayout } from '../privacy/he/layout.js';
import type { CkksContext, SealPublicKey } from '../privacy/he/seal-context.js';
import { assembleMessage, HeMessageKind } from '../privacy/he/wire.js';
import type { HeEncryptJob, HeEncryptResult } from './he-encrypt-worker.js';

/**
 * `encryptUpdate` spread over worker threads (Node only; the browser path stays single-threaded):
 * the ciphertexts of an update are independent, so the main thread clips and weights the values
 * and each of `threads` workers encrypts and packs a contiguous range of ciphertexts with its own
 * SEAL instance; the bodies concatenate into exactly the message `encryptUpdate` makes (same format,
 * same distributions, fresh randomness in every worker). Keep one pool per site for the whole job:
 * each worker loads SEAL (WebAssembly) once, on its first update.
 */
export class HeEncryptPool {
  private readonly workers: Worker[];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();

  constructor(readonly threads: number) {
    if (!(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `CKKS encryption threads must be an integer in [1, 64], got ${threads}`, { where: 'he.threads', hint: 'use at most the number of CPU cores' });
    }
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(new URL('./he-encrypt-worker.js', import.meta.url));
      w.on('message', (r: HeEncryptResult) => this.settle(r));
      w.on('error', (e) => this.failAll(e));
      return w;
    });
  }

  private settle(r: HeEncryptResult): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if ('error' in r) p.reject(new MedfedError(ErrorCodes.ENGINE_FAILURE, `CKKS encryption worker failed: ${r.error}`, { where: 'privacy/he', hint: 'retry; if it persists, encrypt on the main thread (encryptUpdate)' }));
    else p.resolve(r.body);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(new MedfedError(ErrorCodes.ENGINE_FAILURE, `CKKS encryption worker crashed: ${e.message}`, { where: 'privacy/he', hint: 'create a new pool', cause: e }));
    this.pending.clear();
  }

  /** The same message as `encryptUpdate(ctx, publicKey, layout, update, weight, round)`. */
  async encryptUpdate(ctx: CkksContext, publicKey: SealPublicKey, layout: HeLayout, update: Weights, weight: number, round: number): Promise<EncryptedUpdate> {
    const { values, clipped } = weightedValues(ctx, layout, update, weight);
    const count = ciphertextCount(layout, ctx.slots);
    const pkPolys = publicKeyPolys(ctx, publicKey);
    const parts = Math.min(this.threads, count);
    const bodies = await Promise.all(
      Array.from({ length: parts }, (_, w) => {
        const first = Math.floor((w * count) / parts);
        const end = Math.floor(((w + 1) * count) / parts);
        if (parts === 1) return Promise.resolve(encryptItems(ctx, pkPolys, values, 0, count));
        const job: HeEncryptJob = {
          id: this.nextId++,
          params: ctx.params,
          pkPolys,
          values: values.slice(first * ctx.slots, Math.min(values.length, end * ctx.slots)),
          first,
          count: end - first,
        };
        return new Promise<Uint8Array>((resolve, reject) => {
          this.pending.set(job.id, { resolve, reject });
          this.workers[w].postMessage(job, [job.values.buffer as ArrayBuffer]);
        });
      }),
    );
    const bytes = assembleMessage(ctx, { kind: HeMessageKind.contribution, round, count, weight, layoutFingerprint: layout.fingerprint }, bodies);
    return { bytes, clipped };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
