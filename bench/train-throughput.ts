import { parseModelSpec } from '../src/core/model-params.js';
import type { ModelSpecInput } from '../src/core/model-spec.js';
import { getEngine } from '../src/engine/registry.js';
import { pytorchTrainThroughput } from './pytorch-baseline.js';
import type { BenchEntry } from './result.js';
import { syntheticData } from './bench-models.js';
import { timeRepeats } from './timing.js';

export interface TrainBenchConfig {
  readonly id: string;
  readonly spec: ModelSpecInput;
  /** Samples per timed repeat (one epoch). */
  readonly samples: number;
  readonly batch: number;
  readonly repeats: number;
  readonly warmup: number;
  readonly engine?: string;
  /**
   * Engines with their own thread pool (libtorch): time each thread count and keep the faster, as
   * the PyTorch baseline does with 1 and 2 threads.
   */
  readonly threads?: { readonly counts: readonly number[]; set(n: number): void };
}

/** Training samples/s (forward + backward + Adam, one epoch per repeat, median) vs PyTorch CPU. */
export async function trainThroughput(c: TrainBenchConfig): Promise<BenchEntry> {
  const engineName = c.engine ?? 'tfjs-wasm';
  const engine = await getEngine(engineName);
  const spec = parseModelSpec(c.spec);
  const model = await engine.build(spec, { seed: 1 });
  const data = syntheticData([...spec.inputShape], c.samples, 2);
  let epoch = 0;
  let best = { value: 0, threads: 0 };
  for (const n of c.threads?.counts ?? [0]) {
    if (c.threads) c.threads.set(n);
    const timing = await timeRepeats(
      () => model.train(data, { epochs: 1, batchSize: c.batch, optimizer: { name: 'adam', lr: 1e-3 }, seed: epoch++ }),
      c.repeats,
      c.warmup,
    );
    const v = c.samples / timing.medianSeconds;
    if (v > best.value) best = { value: v, threads: n };
  }
  if (c.threads) c.threads.set(c.threads.counts[0]);
  model.dispose();
  const value = best.value;
  const base = pytorchTrainThroughput(c.spec, c.samples, c.batch, c.repeats, c.warmup);
  const note = `${engineName}${c.threads ? ` (${best.threads} thread(s))` : ''}, batch ${c.batch}, ${c.samples} samples/repeat`;
  if (!base.ok) return { id: c.id, value, unit: 'samples/s', repeats: c.repeats, note: `${note}; no PyTorch baseline: ${base.why}` };
  return {
    id: c.id,
    value,
    unit: 'samples/s',
    baseline: base.samplesPerSecond,
    ratio: value / base.samplesPerSecond,
    repeats: c.repeats,
    note: `${note}; PyTorch ${base.torch} CPU, ${base.threads} thread(s)`,
  };
}
