import { test } from 'node:test';
import type { Tensor } from '../../src/core/tensors.js';
import { assertClose } from './kernels/backend-compare.js';
import { buildOn, randomData } from './engine-helpers.js';

/** Float64 reference for dense(3->4, tanh) -> dense(4->3) + softmax CE, weights in PyTorch layout. */
function referenceLoss(w: Map<string, Float64Array>, x: Float32Array, y: Float32Array, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const h = [0, 1, 2, 3].map((o) => Math.tanh(w.get('0.bias')![o] + [0, 1, 2].reduce((s, j) => s + w.get('0.weight')![o * 3 + j] * x[i * 3 + j], 0)));
    const z = [0, 1, 2].map((o) => w.get('1.bias')![o] + h.reduce((s, hj, j) => s + w.get('1.weight')![o * 4 + j] * hj, 0));
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    total += lse - z[y[i]];
  }
  return total / n;
}

test('dense gradients match central finite differences of a float64 reference', async () => {
  const spec = {
    inputShape: [3],
    layers: [
      { type: 'dense' as const, units: 4, activation: 'tanh' as const },
      { type: 'dense' as const, units: 3 },
    ],
    loss: 'softmax_cross_entropy' as const,
  };
  const data = randomData([3], 5, 3, 'softmax_cross_entropy', 21, -2, 2);
  for (const engine of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const model = await buildOn(engine, spec, 9);
    const weights = new Map([...model.getWeights()].map(([k, t]: [string, Tensor]) => [k, Float64Array.from(t.data)]));
    const { loss, gradients } = await model.gradients(data.x, data.y, data.n);
    assertClose([loss], [referenceLoss(weights, data.x, data.y, data.n)], 1e-6, `${engine} loss`);
    const h = 1e-6;
    for (const [name, w] of weights) {
      const fd = new Float64Array(w.length);
      for (let i = 0; i < w.length; i++) {
        const keep = w[i];
        w[i] = keep + h;
        const up = referenceLoss(weights, data.x, data.y, data.n);
        w[i] = keep - h;
        const down = referenceLoss(weights, data.x, data.y, data.n);
        w[i] = keep;
        fd[i] = (up - down) / (2 * h);
      }
      assertClose(gradients.get(name)!.data, fd, 1e-4, `${engine} ${name}`);
    }
    model.dispose();
  }
});
