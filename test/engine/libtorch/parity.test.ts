import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModelSpec } from '../../../src/core/model-params.js';
import type { ModelSpecInput } from '../../../src/core/model-spec.js';
import type { TrainableModel } from '../../../src/engine/engine.js';
import { getEngine } from '../../../src/engine/registry.js';
import { assertClose } from '../kernels/backend-compare.js';
import { randomData } from '../engine-helpers.js';
import { skipNative } from './native-available.js';
import { parityCases } from './parity-cases.js';

/**
 * The native engine against the TF.js cpu reference: same initial weights, same batch, same
 * dropout seed -> same loss and gradients (relative error <= 1e-4) for every layer type; and the
 * same predictions and evaluation loss.
 */
async function build(engine: string, spec: ModelSpecInput, setWeights?: Record<string, number[]>): Promise<TrainableModel> {
  const model = await (await getEngine(engine)).build(parseModelSpec(spec), { seed: 3 });
  if (setWeights) {
    const w = model.getWeights();
    for (const [name, values] of Object.entries(setWeights)) w.set(name, { shape: w.get(name)!.shape, data: Float32Array.from(values) });
    model.setWeights(w);
  }
  return model;
}

for (const c of parityCases) {
  test(`libtorch vs tfjs-cpu gradients: ${c.name}`, { skip: skipNative }, async () => {
    const outputs = (c.spec.layers[c.spec.layers.length - 1] as { units: number }).units;
    const data = randomData([...c.spec.inputShape], 6, outputs, c.spec.loss, 11, c.lo, c.hi);
    const [ref, nat] = [await build('tfjs-cpu', c.spec, c.setWeights), await build('libtorch', c.spec, c.setWeights)];
    // Same initial weights on both engines, in the same names and layouts.
    for (const [name, t] of ref.getWeights()) assert.deepEqual(nat.getWeights().get(name)!.data, t.data, name);
    const a = await ref.gradients(data.x, data.y, data.n, { dropoutSeed: 5 });
    const b = await nat.gradients(data.x, data.y, data.n, { dropoutSeed: 5 });
    assertClose([b.loss], [a.loss], 1e-4, 'loss');
    assert.deepEqual([...b.gradients.keys()], [...a.gradients.keys()]);
    for (const [name, g] of a.gradients) assertClose(b.gradients.get(name)!.data, g.data, 1e-4, name);
    assertClose(await nat.predict(data.x, data.n), await ref.predict(data.x, data.n), 1e-4, 'predict');
    assertClose([await nat.evaluateLoss(data)], [await ref.evaluateLoss(data)], 1e-4, 'evaluateLoss');
    ref.dispose();
    nat.dispose();
  });
}
