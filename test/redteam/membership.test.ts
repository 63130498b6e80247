import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readHeartDataset } from '../../src/connectors/csv/read-file.js';
import { parseModelSpec } from '../../src/core/model-params.js';
import { Rng } from '../../src/core/random.js';
import { toDataset } from '../../src/data/encode.js';
import { getEngine } from '../../src/engine/registry.js';
import { defaultDpTarget } from '../../src/redteam/default-dp.js';
import { runMembership } from '../../src/redteam/membership/experiment.js';
import { membershipMetrics } from '../../src/redteam/membership/loss-threshold.js';
import { standardizedSplit } from '../../src/redteam/tabular-split.js';

test('membership metrics: separated scores give AUC 1 and TPR 1 at 1% FPR; identical ones give chance', () => {
  const out = Array.from({ length: 200 }, (_, i) => -1 - i / 100);
  const inn = Array.from({ length: 50 }, (_, i) => i / 100);
  assert.deepEqual([membershipMetrics(inn, out).auc, membershipMetrics(inn, out).tprAtFpr], [1, 1]);
  const same = membershipMetrics(out, out);
  assert.equal(same.auc, 0.5);
  assert.ok(same.tprAtFpr <= 0.01);
});

test('the loss-threshold attack finds members of an overfit model; DP-SGD at epsilon 3 cuts its advantage', async () => {
  const heart = toDataset(await readHeartDataset());
  const { train } = standardizedSplit(heart, 0.01, 7);
  const spec = parseModelSpec({ inputShape: [heart.featureShape[0]], layers: [{ type: 'dense', units: 128, activation: 'relu' }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' });
  const rng = new Rng(3);
  const [plain, dp] = await runMembership(await getEngine('tfjs-wasm'), spec, train, {
    epochs: 60, batchSize: 16, optimizer: { name: 'adam', lr: 0.01 }, dp: defaultDpTarget, seed: 7, uniform: () => rng.uniform(),
  });
  assert.ok(plain.trainAccuracy > plain.testAccuracy + 0.1, 'the unprotected model overfits');
  assert.ok(plain.auc > 0.6, `unprotected AUC ${plain.auc}`);
  assert.ok(dp.auc < plain.auc && dp.bestAccuracy < plain.bestAccuracy, `DP AUC ${dp.auc} vs ${plain.auc}`);
});
