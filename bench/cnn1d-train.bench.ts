import { cnn1dSpec } from './bench-models.js';
import type { Benchmark } from './result.js';
import { trainThroughput } from './train-throughput.js';

/** 1D CNN on ECG windows of 1000x1 (conv16 k7-pool-conv32 k5-pool-d64-d2), batch 64, Adam: samples/s vs PyTorch CPU. */
export const cnn1dTrainBench: Benchmark = {
  id: 'train.cnn1d',
  run: async () => [await trainThroughput({ id: 'train.cnn1d', spec: cnn1dSpec, samples: 1024, batch: 64, repeats: 5, warmup: 2 })],
};
