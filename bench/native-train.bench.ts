import type { ModelSpecInput } from '../src/core/model-spec.js';
import { tryLoadLibtorchAddon } from '../src/node/libtorch-addon.js';
import { cnn1dSpec, cnn2dSpec, cnn3dSpec, gruSpec, lstmSpec, mlpSpec } from './bench-models.js';
import { pairedTrainThroughput } from './native-vs-pytorch.js';
import { PytorchTrainer } from './pytorch-baseline.js';
import type { BenchEntry, Benchmark } from './result.js';

const cnn2dBnDropoutSpec: ModelSpecInput = {
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 16, kernelSize: 3 },
    { type: 'batchNorm' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'conv2d', filters: 32, kernelSize: 3 },
    { type: 'batchNorm' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.25 },
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

const models = [
  { id: 'native.train.mlp', spec: mlpSpec, samples: 8192, repeats: 7, warmup: 4 },
  { id: 'native.train.cnn2d', spec: cnn2dSpec, samples: 1024, repeats: 5, warmup: 3 },
  { id: 'native.train.cnn2d-bn-dropout', spec: cnn2dBnDropoutSpec, samples: 1024, repeats: 5, warmup: 3 },
  { id: 'native.train.cnn1d', spec: cnn1dSpec, samples: 1024, repeats: 5, warmup: 3 },
  // The wasm train.cnn3d model and batch (bench/cnn3d-train.bench.ts): 32x32x32x1, batch 16.
  { id: 'native.train.cnn3d', spec: cnn3dSpec, samples: 256, batch: 16, repeats: 5, warmup: 2 },
  { id: 'native.train.lstm', spec: lstmSpec, samples: 1024, repeats: 5, warmup: 3 },
  { id: 'native.train.gru', spec: gruSpec, samples: 1024, repeats: 5, warmup: 3 },
];

/**
 * The native libtorch engine's training samples/s (batch 64, the 3D CNN 16; Adam) on the benchmark
 * models vs PyTorch CPU: epochs interleaved with one long-lived PyTorch process (native-vs-pytorch.ts).
 */
export const nativeTrainBench: Benchmark = {
  id: 'native.train',
  run: async () => {
    const loaded = tryLoadLibtorchAddon();
    if (!('addon' in loaded)) {
      process.stderr.write(`native.train skipped: ${loaded.why}\n`);
      return [];
    }
    const out: BenchEntry[] = [];
    const torch = PytorchTrainer.start();
    try {
      for (const m of models) {
        if (process.argv[2] && !m.id.includes(process.argv[2]) && !'native.train'.includes(process.argv[2])) continue;
        out.push(await pairedTrainThroughput({ batch: 64, ...m, threads: [1, 2] }, loaded.addon, torch));
      }
    } finally {
      if (!('why' in torch)) torch.close();
    }
    return out;
  },
};
