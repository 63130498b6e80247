import { cnn2dSpec } from './bench-models.js';
import type { Benchmark } from './result.js';
import { trainThroughput } from './train-throughput.js';

/** 2D CNN on 28x28x1 (conv16-pool-conv32-pool-d64-d2), batch 64, Adam: samples/s vs PyTorch CPU. */
export const cnn2dTrainBench: Benchmark = {
  id: 'train.cnn2d',
  run: async () => [await trainThroughput({ id: 'train.cnn2d', spec: cnn2dSpec, samples: 1024, batch: 64, repeats: 5, warmup: 3 })],
};
