import { test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import type { OptimizerSpec } from '../../src/engine/engine.js';
import { FusedOptimizer } from '../../src/engine/tfjs/fused-optimizer.js';
import { assertClose } from './kernels/backend-compare.js';

/** torch.optim's update rules written out plainly, one parameter at a time, in float64. */
function plainStep(spec: OptimizerSpec, w: number[], g: number[], state: { m: number[]; v: number[]; t: number }): void {
  state.t++;
  const wd = spec.weightDecay ?? 0;
  for (let i = 0; i < w.length; i++) {
    const grad = g[i] + wd * w[i];
    if (spec.name === 'sgd') w[i] = w[i] - spec.lr * grad;
    else if (spec.name === 'momentum') {
      state.m[i] = state.t === 1 ? grad : (spec.momentum ?? 0.9) * state.m[i] + grad;
      w[i] = w[i] - spec.lr * state.m[i];
    } else {
      const b1 = spec.beta1 ?? 0.9;
      const b2 = spec.beta2 ?? 0.999;
      state.m[i] = b1 * state.m[i] + (1 - b1) * grad;
      state.v[i] = b2 * state.v[i] + (1 - b2) * grad * grad;
      const mHat = state.m[i] / (1 - b1 ** state.t);
      const vHat = state.v[i] / (1 - b2 ** state.t);
      w[i] = w[i] - (spec.lr * mHat) / (Math.sqrt(vHat) + (spec.epsilon ?? 1e-8));
    }
  }
}

const specs: OptimizerSpec[] = [
  { name: 'sgd', lr: 0.1 },
  { name: 'sgd', lr: 0.05, weightDecay: 0.01 },
  { name: 'momentum', lr: 0.05, momentum: 0.8, weightDecay: 0.001 },
  { name: 'adam', lr: 0.01 },
  { name: 'adam', lr: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.05 },
];

for (const spec of specs) {
  test(`fused ${spec.name} ${JSON.stringify(spec)} matches the plain update rule over 20 steps`, () => {
    const rng = new Rng(1);
    const w0 = Array.from({ length: 50 }, () => rng.normal());
    const fused = [Float32Array.from(w0.slice(0, 20)), Float32Array.from(w0.slice(20))];
    const plain = w0.slice();
    const state = { m: w0.map(() => 0), v: w0.map(() => 0), t: 0 };
    const opt = new FusedOptimizer(spec, [20, 30]);
    for (let s = 0; s < 20; s++) {
      const g = w0.map(() => rng.normal());
      opt.step(fused, [Float32Array.from(g.slice(0, 20)), Float32Array.from(g.slice(20))]);
      plainStep(spec, plain, g, state);
    }
    assertClose([...fused[0], ...fused[1]], plain, 1e-5, spec.name);
  });
}
