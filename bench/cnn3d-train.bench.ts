import { cnn3dSpec } from './bench-models.js';
import type { Benchmark } from './result.js';
import { trainThroughput } from './train-throughput.js';

/** 3D CNN on 32x32x32x1 (conv8-pool-conv16-pool-d64-d2), batch 16, Adam: samples/s vs PyTorch CPU. */
export const cnn3dTrainBench: Benchmark = {
  id: 'train.cnn3d',
  run: async () => [await trainThroughput({ id: 'train.cnn3d', spec: cnn3dSpec, samples: 256, batch: 16, repeats: 3, warmup: 1 })],
};
