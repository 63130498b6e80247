import { mlpSpec } from './bench-models.js';
import type { Benchmark } from './result.js';
import { trainThroughput } from './train-throughput.js';

/** MLP 30->64->64->2, batch 64, Adam: training samples/s on tfjs-wasm vs PyTorch CPU. */
export const mlpTrainBench: Benchmark = {
  id: 'train.mlp',
  run: async () => [await trainThroughput({ id: 'train.mlp', spec: mlpSpec, samples: 8192, batch: 64, repeats: 7, warmup: 4 })],
};
