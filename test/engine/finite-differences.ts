import { parseModelSpec } from '../../src/core/model-params.js';
import type { ModelSpecInput } from '../../src/core/model-spec.js';
import { getEngine } from '../../src/engine/registry.js';
import { assertClose } from './kernels/backend-compare.js';
import { randomData } from './engine-helpers.js';

/**
 * The engine's gradient of `tensor` equals central finite differences of its own loss (step 1e-2,
 * relative tolerance 2e-3) on a fixed random batch: a check that needs no reference backend.
 */
export async function assertGradientMatchesFiniteDifferences(engineName: string, spec: ModelSpecInput, tensor: string): Promise<void> {
  const parsed = parseModelSpec(spec);
  const model = await (await getEngine(engineName)).build(parsed, { seed: 4 });
  const data = randomData([...parsed.inputShape], 5, 2, parsed.loss, 3);
  const { gradients } = await model.gradients(data.x, data.y, data.n);
  const w = model.getWeights().get(tensor)!;
  const fd = new Float64Array(w.data.length);
  const h = 1e-2;
  for (let i = 0; i < w.data.length; i++) {
    const at = async (delta: number) => {
      const p = w.data.slice();
      p[i] += delta;
      model.setWeights(new Map([[tensor, { shape: w.shape, data: p }]]));
      return model.evaluateLoss(data);
    };
    fd[i] = ((await at(h)) - (await at(-h))) / (2 * h);
  }
  assertClose(gradients.get(tensor)!.data, fd, 2e-3, `${tensor} vs finite differences`);
  model.dispose();
}
