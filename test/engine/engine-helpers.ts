import { makeDataset, type Dataset } from '../../src/core/dataset.js';
import { parseModelSpec } from '../../src/core/model-params.js';
import type { ModelSpecInput } from '../../src/core/model-spec.js';
import { Rng } from '../../src/core/random.js';
import { sizeOf } from '../../src/core/tensors.js';
import type { TrainableModel } from '../../src/engine/engine.js';
import { getEngine } from '../../src/engine/registry.js';

export async function buildOn(engine: 'tfjs-cpu' | 'tfjs-wasm', spec: ModelSpecInput, seed = 1): Promise<TrainableModel> {
  return (await getEngine(engine)).build(parseModelSpec(spec), { seed });
}

/** n examples of `shape` with values uniform in [lo, hi) and labels fitting `loss` with k outputs. */
export function randomData(shape: number[], n: number, k: number, loss: string, seed = 7, lo = -1, hi = 1): Dataset {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * sizeOf(shape) }, () => lo + (hi - lo) * rng.uniform());
  if (loss === 'mse') {
    const y = Float32Array.from({ length: n * k }, () => rng.normal());
    return { x, y, n, featureShape: shape, numClasses: 0 };
  }
  const classes = loss === 'sigmoid_cross_entropy' ? 2 : k;
  const y = Float32Array.from({ length: n }, () => rng.int(classes));
  return makeDataset(x, y, shape, classes);
}

export function weightsEqual(a: Map<string, { data: Float32Array }>, b: Map<string, { data: Float32Array }>): boolean {
  for (const [k, t] of a) {
    const u = b.get(k)!.data;
    for (let i = 0; i < t.data.length; i++) if (!Object.is(t.data[i], u[i])) return false;
  }
  return true;
}
