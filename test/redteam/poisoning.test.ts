import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readHeartDataset } from '../../src/connectors/csv/read-file.js';
import { parseModelSpec } from '../../src/core/model-params.js';
import { toDataset } from '../../src/data/encode.js';
import { getEngine } from '../../src/engine/registry.js';
import { heartTrigger } from '../../src/redteam/poisoning/heart-trigger.js';
import { runPoisoning } from '../../src/redteam/poisoning/experiment.js';
import { standardizedSplit } from '../../src/redteam/tabular-split.js';

test('on the heart data with 4 of 20 sites malicious: the backdoor beats FedAvg, Multi-Krum stops it and sign-flip', async () => {
  const heart = toDataset(await readHeartDataset());
  const { train, test: held } = standardizedSplit(heart, 0.3, 7);
  const spec = parseModelSpec({ inputShape: [heart.featureShape[0]], layers: [{ type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' });
  const rows = await runPoisoning(await getEngine('tfjs-wasm'), spec, train, held, {
    aggregators: ['fedavg', 'multi-krum'], sites: 20, malicious: 4, trigger: heartTrigger(heart.featureNames ?? []),
    rounds: 10, epochs: 2, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 }, seed: 7,
  });
  const get = (a: string, k: string) => rows.find((r) => r.aggregator === a && r.attack === k)!;
  assert.ok(get('fedavg', 'none').attackSuccess <= 0.1, 'the trigger alone does not give the target label');
  assert.ok(get('fedavg', 'backdoor').attackSuccess >= 0.5, `FedAvg backdoor success ${get('fedavg', 'backdoor').attackSuccess}`);
  assert.ok(get('multi-krum', 'backdoor').attackSuccess <= 0.1, `Multi-Krum backdoor success ${get('multi-krum', 'backdoor').attackSuccess}`);
  assert.ok(get('multi-krum', 'backdoor').cleanAccuracy >= get('fedavg', 'none').cleanAccuracy - 0.02, 'at most 2 points of clean accuracy lost');
  assert.ok(get('fedavg', 'sign-flip').cleanAccuracy < get('fedavg', 'none').cleanAccuracy - 0.2, 'sign-flip breaks FedAvg');
  assert.ok(get('multi-krum', 'sign-flip').cleanAccuracy >= get('fedavg', 'none').cleanAccuracy - 0.02, 'Multi-Krum survives sign-flip');
});
