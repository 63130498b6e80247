import { test } from 'node:test';
import { parseModelSpec } from '../../src/core/model-params.js';
import type { ModelSpecInput } from '../../src/core/model-spec.js';
import { getEngine } from '../../src/engine/registry.js';
import { assertClose } from './kernels/backend-compare.js';
import { randomData } from './engine-helpers.js';

/**
 * Average pooling with 'same' padding (TensorFlow's rule: the mean over the real cells, the odd
 * padding cell after). tfjs 4.22's own AvgPoolGrad is wrong wherever this padding is non-zero, so
 * the engine computes it from valid pooling of the padded input (layer-ops.ts); its gradients must
 * match central finite differences of its own loss, on cpu and wasm.
 */
const spec: ModelSpecInput = {
  inputShape: [6, 5, 2],
  layers: [
    { type: 'conv2d', filters: 2, kernelSize: 2, padding: 'same', activation: 'tanh' },
    { type: 'avgPool2d', poolSize: 3, stride: 1, padding: 'same' },
    { type: 'avgPool2d', poolSize: 2, padding: 'same' },
    { type: 'flatten' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax_cross_entropy',
};

for (const backend of ['tfjs-cpu', 'tfjs-wasm']) {
  test(`${backend}: avgPool2d same (symmetric and asymmetric padding) gradients match finite differences`, async () => {
    const model = await (await getEngine(backend)).build(parseModelSpec(spec), { seed: 4 });
    const data = randomData([6, 5, 2], 5, 2, 'softmax_cross_entropy', 3);
    const { gradients } = await model.gradients(data.x, data.y, data.n);
    const w = model.getWeights().get('0.weight')!;
    const fd = new Float64Array(w.data.length);
    const h = 1e-2;
    for (let i = 0; i < w.data.length; i++) {
      const at = async (delta: number) => {
        const p = w.data.slice();
        p[i] += delta;
        model.setWeights(new Map([['0.weight', { shape: w.shape, data: p }]]));
        return model.evaluateLoss(data);
      };
      fd[i] = ((await at(h)) - (await at(-h))) / (2 * h);
    }
    assertClose(gradients.get('0.weight')!.data, fd, 2e-3, '0.weight vs finite differences');
    model.dispose();
  });
}
