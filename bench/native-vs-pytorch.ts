import { parseModelSpec } from '../src/core/model-params.js';
import type { NativeAddon } from '../src/engine/libtorch/addon-types.js';
import { getEngine } from '../src/engine/registry.js';
import { syntheticData } from './bench-models.js';
import type { PytorchTrainer, EpochTime } from './pytorch-baseline.js';
import type { BenchEntry } from './result.js';
import type { TrainBenchConfig } from './train-throughput.js';
import { median } from './timing.js';

/** The model, data and repeat counts as the single-engine bench takes them (train-throughput.ts). */
export interface PairedConfig extends Pick<TrainBenchConfig, 'id' | 'spec' | 'samples' | 'batch' | 'repeats' | 'warmup'> {
  /** Intra-op thread counts tried on both sides; each side's figure is its fastest. */
  readonly threads: readonly number[];
}

interface Side {
  readonly epoch: (threads: number) => Promise<EpochTime>;
  /** Per thread count: the timed epochs. */
  readonly runs: Map<number, EpochTime[]>;
}

/**
 * Training samples/s of the native libtorch engine and of PyTorch on the same model, batch and
 * sample count, measured fairly on a shared machine: both sides long-lived processes (this one and
 * one PyTorch process for every model), the same thread count set on both before each block, the
 * same warm-up epochs, and the timed epochs interleaved (native-PyTorch, then PyTorch-native, ...),
 * so that load changes hit both sides alike. Each side's figure is the median epoch of its fastest
 * thread count. The note adds the ratio at each thread count and the ratio of CPU time per sample
 * with 1 thread, which is steadier on a loaded machine (there a process with two runnable threads
 * also gets a larger share of the CPUs than one with one, whatever the engine).
 */
export async function pairedTrainThroughput(c: PairedConfig, addon: NativeAddon, torch: PytorchTrainer | { why: string }): Promise<BenchEntry> {
  const spec = parseModelSpec(c.spec);
  const model = await (await getEngine('libtorch')).build(spec, { seed: 1 });
  const data = syntheticData([...spec.inputShape], c.samples, 2);
  let seed = 0;
  const native: Side = {
    epoch: async (threads) => {
      addon.setNumThreads(threads);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await model.train(data, { epochs: 1, batchSize: c.batch, optimizer: { name: 'adam', lr: 1e-3 }, seed: seed++ });
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
    },
    runs: new Map(),
  };
  let version = '';
  let pytorch: Side | undefined;
  let why = 'why' in torch ? torch.why : '';
  if (!('why' in torch)) {
    try {
      version = await torch.build(c.spec, c.samples, c.batch);
      pytorch = { epoch: (threads) => torch.epoch(threads), runs: new Map() };
    } catch (e) {
      why = (e as Error).message;
    }
  }
  try {
    for (const threads of c.threads) {
      const sides = pytorch ? [native, pytorch] : [native];
      for (let w = 0; w < c.warmup; w++) for (const s of sides) await s.epoch(threads);
      for (const s of sides) s.runs.set(threads, []);
      for (let r = 0; r < c.repeats; r++) {
        for (const s of r % 2 ? [...sides].reverse() : sides) s.runs.get(threads)!.push(await s.epoch(threads));
      }
    }
  } finally {
    addon.setNumThreads(c.threads[0]);
    model.dispose();
    if (pytorch && !('why' in torch)) await torch.drop();
  }
  const best = (s: Side) => {
    let top = { perSecond: 0, threads: 0 };
    for (const [threads, runs] of s.runs) {
      const perSecond = c.samples / median(runs.map((r) => r.wall));
      if (perSecond > top.perSecond) top = { perSecond, threads };
    }
    return top;
  };
  const cpuPerSecond = (s: Side) => c.samples / median(s.runs.get(1)?.map((r) => r.cpu) ?? [NaN]);
  const mine = best(native);
  const note = `libtorch (${mine.threads} thread(s)), batch ${c.batch}, ${c.samples} samples/epoch, median of ${c.repeats}`;
  if (!pytorch) return { id: c.id, value: mine.perSecond, unit: 'samples/s', repeats: c.repeats, note: `${note}; no PyTorch baseline: ${why}` };
  const theirs = best(pytorch);
  const cpuRatio = cpuPerSecond(native) / cpuPerSecond(pytorch);
  // The same thread count on both sides: ratio of median epoch times.
  const perThreads = c.threads
    .map((t) => `${t} thr. ${(median(pytorch.runs.get(t)!.map((r) => r.wall)) / median(native.runs.get(t)!.map((r) => r.wall))).toFixed(2)}`)
    .join(', ');
  return {
    id: c.id,
    value: mine.perSecond,
    unit: 'samples/s',
    baseline: theirs.perSecond,
    ratio: mine.perSecond / theirs.perSecond,
    repeats: c.repeats,
    note: `${note}; PyTorch ${version} CPU (${theirs.threads} thread(s)), epochs interleaved; wall ratio at ${perThreads}; 1-thread CPU-time ratio ${cpuRatio.toFixed(2)}`,
  };
}
