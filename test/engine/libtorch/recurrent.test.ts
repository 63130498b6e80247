import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModelSpec } from '../../../src/core/model-params.js';
import { Rng } from '../../../src/core/random.js';
import { getEngine } from '../../../src/engine/registry.js';
import { assertGradientMatchesFiniteDifferences } from '../finite-differences.js';
import { assertSameTraining } from '../kernels/backend-compare.js';
import { randomData } from '../engine-helpers.js';
import { recurrentCases } from '../recurrent-cases.js';
import { skipNative } from './native-available.js';

/**
 * lstm and gru on the native engine beyond the gradient parity of parity.test.ts: its gradients
 * match finite differences of its own loss, and training (Adam) and DP-SGD (per-example clipping,
 * the same noise stream) follow the TF.js engine step for step.
 */
const stacked = recurrentCases[4].spec;

test('libtorch lstm -> gru: gradients match finite differences', { skip: skipNative }, async () => {
  await assertGradientMatchesFiniteDifferences('libtorch', stacked, '0.weight_ih_l0');
  await assertGradientMatchesFiniteDifferences('libtorch', stacked, '1.weight_hh_l0');
});

for (const dp of [false, true]) {
  test(`libtorch trains lstm -> gru like tfjs-cpu${dp ? ' under DP-SGD' : ''}`, { skip: skipNative }, async () => {
    const spec = parseModelSpec(stacked);
    const data = randomData([...spec.inputShape], 24, 2, spec.loss, 6);
    const results = [];
    for (const engine of ['tfjs-cpu', 'libtorch']) {
      const model = await (await getEngine(engine)).build(spec, { seed: 8 });
      const rng = new Rng(31);
      const r = await model.train(data, {
        epochs: 2,
        batchSize: 6,
        seed: 3,
        optimizer: { name: 'adam', lr: 0.01 },
        ...(dp ? { dpSgd: { clipNorm: 0.3, noiseMultiplier: 0.5, uniform: () => rng.uniform() } } : {}),
      });
      results.push({ r, w: model.getWeights() });
      model.dispose();
    }
    const [ref, nat] = results;
    assertSameTraining(nat, ref, 1e-4, 'mean loss of the last epoch');
  });
}
