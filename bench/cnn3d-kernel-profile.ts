/**
 * Per-kernel process-CPU ms of one training batch of the train.cnn3d model (batch 16, Adam) on
 * tfjs-wasm: every top-level wasm kernel is timed (kernels a medfed kernel runs inside itself count
 * towards it), minimum over N batches. CPU time, not wall time: on a shared machine it moves far
 * less with other jobs' load (single-threaded wasm only; with MEDFED_WASM_THREADS > 1 it adds the
 * threads up). `node dist/bench/cnn3d-kernel-profile.js [batches=12]`, prints one JSON object.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseModelSpec } from '../src/core/model-params.js';
import { getEngine } from '../src/engine/registry.js';
import { cnn3dSpec, syntheticData } from './bench-models.js';

const batches = Number(process.argv[2] ?? 12);
const engine = await getEngine('tfjs-wasm');
const spec = parseModelSpec(cnn3dSpec);
const model = await engine.build(spec, { seed: 1 });
const data = syntheticData([...spec.inputShape], 16, 2);
const options = { epochs: 1, batchSize: 16, optimizer: { name: 'adam' as const, lr: 1e-3 }, seed: 0 };

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
let depth = 0;
let current = new Map<string, number>();
for (const kernel of tf.getKernelsForBackend('wasm')) {
  const run = kernel.kernelFunc;
  kernel.kernelFunc = (args) => {
    if (depth++ > 0) {
      try {
        return run(args);
      } finally {
        depth--;
      }
    }
    const start = process.cpuUsage();
    try {
      return run(args);
    } finally {
      depth--;
      current.set(kernel.kernelName, (current.get(kernel.kernelName) ?? 0) + cpuMs(start));
    }
  };
}

await model.train(data, options); // warm-up
const perBatch: Map<string, number>[] = [];
for (let b = 0; b < batches; b++) {
  current = new Map();
  const start = process.cpuUsage();
  await model.train(data, options);
  current.set('total', cpuMs(start));
  perBatch.push(current);
}
model.dispose();
const names = new Set(perBatch.flatMap((m) => [...m.keys()]));
const minimum = [...names].map((n) => [n, Math.min(...perBatch.map((m) => m.get(n) ?? 0))] as const);
const kernels = minimum.filter(([n]) => n !== 'total').reduce((sum, [, ms]) => sum + ms, 0);
const rows = [...minimum, ['outside kernels (approx.)', (minimum.find(([n]) => n === 'total')?.[1] ?? 0) - kernels] as const]
  .filter(([, ms]) => ms >= 0.5)
  .sort((a, b) => b[1] - a[1]);
console.log(JSON.stringify(Object.fromEntries(rows.map(([n, ms]) => [n, Number(ms.toFixed(1))]))));
