import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeDataset } from '../../src/core/dataset.js';
import { initialWeights, modelLayout } from '../../src/core/model-params.js';
import { getEngine } from '../../src/engine/registry.js';
import { PooledEvaluator } from '../../src/simulator/pooled-evaluator.js';

test('concurrent evaluations of different models each score their own weights', async () => {
  const layout = modelLayout({ inputShape: [3], layers: [{ type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' });
  const x = new Float32Array(60).map((_, i) => Math.sin(i * 1.7));
  const y = new Float32Array(20).map((_, i) => (x[i * 3] + 0.3 * x[i * 3 + 1] > 0 ? 1 : 0));
  const engine = await getEngine('tfjs-cpu');
  const model = await engine.build(layout.spec, { seed: 0 });
  const evaluator = new PooledEvaluator(model, makeDataset(x, y, [3], 2));
  const weights = [1, 2, 3, 4].map((s) => initialWeights(layout, s));
  const sequential = [];
  for (const w of weights) sequential.push((await evaluator.evaluate(w)).loss);
  const concurrent = (await Promise.all(weights.map((w) => evaluator.evaluate(w)))).map((m) => m.loss);
  assert.deepEqual(concurrent, sequential);
  assert.equal(new Set(sequential).size, 4, 'different weights give different losses');
  model.dispose();
});
