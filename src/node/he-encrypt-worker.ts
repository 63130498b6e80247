import { parentPort } from 'node:worker_threads';
import { encryptItems } from '../privacy/he/encrypt.js';
import type { CkksParamsInput } from '../privacy/he/params.js';
import { createCkksContext, type CkksContext } from '../privacy/he/seal-context.js';

/** A job for one worker of `HeEncryptPool`: encrypt ciphertexts first … first + count − 1. */
export interface HeEncryptJob {
  readonly id: number;
  readonly params: CkksParamsInput;
  readonly pkPolys: Float64Array;
  readonly values: Float64Array;
  /** Index of the range's first ciphertext in the whole update (for diagnostics: `values` hold exactly that range's slots). */
  readonly first: number;
  readonly count: number;
}

export type HeEncryptResult = { readonly id: number; readonly body: Uint8Array } | { readonly id: number; readonly error: string };

// One CKKS context (its own SEAL WebAssembly instance) per worker and parameter set.
const contexts = new Map<string, Promise<CkksContext>>();

parentPort!.on('message', (job: HeEncryptJob) => {
  void (async () => {
    try {
      const key = JSON.stringify(job.params);
      if (!contexts.has(key)) contexts.set(key, createCkksContext(job.params));
      const ctx = await contexts.get(key)!;
      const body = encryptItems(ctx, job.pkPolys, job.values, 0, job.count);
      parentPort!.postMessage({ id: job.id, body } satisfies HeEncryptResult, [body.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies HeEncryptResult);
    }
  })();
});
