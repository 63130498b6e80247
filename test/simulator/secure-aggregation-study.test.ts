import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';

const root = resolve(import.meta.dirname, '../../..');
const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

test('the heart study with SecAgg+ in the simulator ends where plain FedAvg does (within quantisation)', async () => {
  const { spec, baseDir } = loadStudySpec(resolve(root, 'examples/heart/study.yaml'));
  const base = {
    ...spec,
    federation: { ...spec.federation, rounds: 4 },
    models: spec.models.filter((m) => m.name === 'mlp'),
    strategies: [{ name: 'fedavg', label: 'plain', options: {} }],
    baselines: [],
  };
  const plain = (await runStudy(base, baseDir, silent)).runs[0];
  const secure = (
    await runStudy({ ...base, strategies: [{ name: 'fedavg', label: 'secure', options: {} }], federation: { ...base.federation, secureAggregation: { clipRange: 1, modulusBits: 32 } } }, baseDir, silent)
  ).runs[0];
  let maxDiff = 0;
  for (const [name, t] of plain.weights) t.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - secure.weights.get(name)!.data[i]))));
  assert.ok(maxDiff > 0, 'stochastic rounding makes the runs differ a little');
  assert.ok(maxDiff < 1e-4, `max weight difference ${maxDiff}`);
  assert.ok(Math.abs((plain.metrics.auroc ?? 0) - (secure.metrics.auroc ?? 1)) < 0.005, `${plain.metrics.auroc} vs ${secure.metrics.auroc}`);
});
