import type { Tensor } from '../../core/tensors.js';
import { randomBytes } from '../secagg/bytes.js';
import { createCkksContext } from './seal-context.js';
import type { CkksParamsInput } from './params.js';
import { runHeRound } from './simulate.js';

export interface CkksMeasurement {
  sites: number;
  dimension: number;
  /** Median over sites of encode + encrypt + serialise for the whole update, ms. */
  clientMsMedian: number;
  /** Median over sites of the same in process CPU time, ms (NaN without a CPU clock). */
  clientCpuMsMedian: number;
  /** Contribution bytes / plain float32 bytes. */
  ratio: number;
  /** Coordinator: check and add all contributions, ms. */
  sumMs: number;
  /** Mean over key holders of one partial decryption of the aggregate, ms. */
  partialMsMean: number;
  /** Coordinator: combine the partial decryptions and decode, ms. */
  combineMs: number;
  /** Largest |decrypted mean - plain example-weighted mean|. */
  maxError: number;
}

function uniform(length: number): Float32Array {
  const bytes = randomBytes(4 * length);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, length);
  return Float32Array.from(words, (w) => (w / 2 ** 32) * 2 - 1);
}

/** One threshold CKKS round (every site is a key holder) of `sites` x `dimension` uniform values in [-1, 1]. */
export async function measureCkks(sites: number, dimension: number, params: CkksParamsInput = {}): Promise<CkksMeasurement> {
  const ctx = await createCkksContext(params);
  const inputs = Array.from({ length: sites }, (_, i) => ({
    siteId: `site-${String(i).padStart(3, '0')}`,
    update: new Map<string, Tensor>([['0.weight', { shape: [dimension], data: uniform(dimension) }]]),
    numExamples: 100 + 10 * i,
  }));
  const { mean, timings } = runHeRound(ctx, inputs, inputs.map((s) => s.siteId));
  const total = inputs.reduce((s, i) => s + i.numExamples, 0);
  const got = mean.get('0.weight')!.data;
  let maxError = 0;
  for (let j = 0; j < dimension; j++) {
    let want = 0;
    for (const s of inputs) want += (s.update.get('0.weight')!.data[j] * s.numExamples) / total;
    maxError = Math.max(maxError, Math.abs(got[j] - want));
  }
  const median = (xs: number[]) => (xs.length === 0 ? Number.NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
  return {
    sites,
    dimension,
    clientMsMedian: median(timings.clientMs),
    clientCpuMsMedian: median(timings.clientCpuMs),
    ratio: timings.contributionBytes[0] / (4 * dimension),
    sumMs: timings.sumMs,
    partialMsMean: timings.partialMs.reduce((a, b) => a + b, 0) / timings.partialMs.length,
    combineMs: timings.combineMs,
    maxError,
  };
}
