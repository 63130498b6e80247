import { gruSpec, lstmSpec } from './bench-models.js';
import type { Benchmark } from './result.js';
import { trainThroughput } from './train-throughput.js';

/** lstm / gru (64 units) on sequences of 64 steps x 8 features, dense 2, batch 64, Adam, TF.js wasm: samples/s vs PyTorch CPU. */
export const lstmTrainBench: Benchmark = {
  id: 'train.lstm',
  run: async () => [await trainThroughput({ id: 'train.lstm', spec: lstmSpec, samples: 1024, batch: 64, repeats: 5, warmup: 2 })],
};

export const gruTrainBench: Benchmark = {
  id: 'train.gru',
  run: async () => [await trainThroughput({ id: 'train.gru', spec: gruSpec, samples: 1024, batch: 64, repeats: 5, warmup: 2 })],
};
