import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';

const root = resolve(import.meta.dirname, '../../..');
const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

function smallHeartStudy(seed: number) {
  const { spec, baseDir } = loadStudySpec(resolve(root, 'examples/heart/study.yaml'));
  return {
    baseDir,
    spec: {
      ...spec,
      seed,
      federation: { ...spec.federation, rounds: 3 },
      models: spec.models.filter((m) => m.name === 'mlp'),
      strategies: spec.strategies.filter((s) => s.name === 'fedavg' || s.name === 'scaffold'),
      baselines: ['local-only' as const],
    },
  };
}

test('the same study and seed give the same final-weights hashes; another seed differs', async () => {
  const a = smallHeartStudy(7);
  const first = await runStudy(a.spec, a.baseDir, silent);
  const second = await runStudy(a.spec, a.baseDir, silent);
  const hashes = (r: typeof first) => r.runs.map((x) => `${x.name}=${x.finalWeightsSha256}`);
  assert.deepEqual(hashes(second), hashes(first));
  assert.equal(first.runs.length, 3);
  const b = smallHeartStudy(8);
  const other = await runStudy(b.spec, b.baseDir, silent);
  assert.notDeepEqual(hashes(other), hashes(first));
  // The runs really trained: every federated run's pooled-test AUROC is well above chance.
  for (const r of first.runs) assert.ok((r.metrics.auroc ?? 0) > 0.7, `${r.name} AUROC ${r.metrics.auroc}`);
});
