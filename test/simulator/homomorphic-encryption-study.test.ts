import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { homomorphicEncryptionSchema, studySpecSchema } from '../../src/core/study-spec.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';

const root = resolve(import.meta.dirname, '../../..');
const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

test('the heart study with CKKS in the simulator (3 sites, 2 rounds, logreg) ends where plain FedAvg does (within CKKS error)', async () => {
  const { spec, baseDir } = loadStudySpec(resolve(root, 'examples/heart/study.yaml'));
  if (spec.data.kind !== 'csv') throw new Error('the heart study is a csv study');
  const base = {
    ...spec,
    data: { ...spec.data, partition: { by: 'dirichlet' as const, sites: 3, alpha: 0.5, minRows: 25, minPerClass: 5 } },
    federation: { ...spec.federation, rounds: 2, minSites: 3 },
    models: spec.models.filter((m) => m.name === 'logreg'),
    strategies: [{ name: 'fedavg', label: 'plain', options: {} }],
    baselines: [],
  };
  const he = homomorphicEncryptionSchema.parse({ scheme: 'ckks' });
  const plain = (await runStudy(base, baseDir, silent)).runs[0];
  const encrypted = (await runStudy({ ...base, strategies: [{ name: 'fedavg', label: 'ckks', options: {} }], federation: { ...base.federation, homomorphicEncryption: he } }, baseDir, silent)).runs[0];
  let maxDiff = 0;
  for (const [name, t] of plain.weights) t.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - encrypted.weights.get(name)!.data[i]))));
  assert.ok(maxDiff > 0, 'CKKS noise makes the runs differ a little (the encrypted path ran)');
  assert.ok(maxDiff < 1e-3, `max weight difference ${maxDiff}`);
  assert.ok(Math.abs((plain.metrics.auroc ?? 0) - (encrypted.metrics.auroc ?? 1)) < 0.005, `${plain.metrics.auroc} vs ${encrypted.metrics.auroc}`);
});

test('federation.homomorphicEncryption: scheme ckks with CKKS parameters; anything else is refused with its path', () => {
  const he = homomorphicEncryptionSchema.parse({ scheme: 'ckks', clip: 4 });
  assert.deepEqual(he, { scheme: 'ckks', polyModulusDegree: 4096, coeffModulusBits: 50, clip: 4, c0Bits: 30, c1Bits: 40, smudgingBits: 19 });
  const minimal = { name: 's', data: { kind: 'csv', file: 'f.csv', schema: 's.yaml', partition: { by: 'iid', sites: 3 } }, models: [{ name: 'm', layers: [{ type: 'dense', units: 2 }] }], strategies: [{ name: 'fedavg' }] };
  const parse = (homomorphicEncryption: unknown) => studySpecSchema.safeParse({ ...minimal, federation: { homomorphicEncryption } });
  assert.ok(parse({ scheme: 'ckks' }).success);
  for (const bad of [{ scheme: 'bfv' }, {}, { scheme: 'ckks', keyHolders: ['x'] }, { scheme: 'ckks', clip: -1 }]) {
    const r = parse(bad);
    assert.ok(!r.success, JSON.stringify(bad));
    assert.deepEqual(r.error.issues[0].path.slice(0, 2), ['federation', 'homomorphicEncryption'], JSON.stringify(bad));
  }
});

test('a CKKS study with a strategy that needs each update, or with SecAgg+ too, is refused before anything runs', async () => {
  const { spec, baseDir } = loadStudySpec(resolve(root, 'examples/heart/study.yaml'));
  const he = homomorphicEncryptionSchema.parse({ scheme: 'ckks' });
  const federation = { ...spec.federation, homomorphicEncryption: he };
  await assert.rejects(runStudy({ ...spec, federation }, baseDir, silent), (e: unknown) => {
    assert.ok(e instanceof MedfedError);
    assert.equal(e.code, ErrorCodes.CONFIG_INVALID);
    assert.equal(e.where, 'federation.homomorphicEncryption');
    assert.match(e.message, /strategies "scaffold" \(scaffold\) need each site's own update/);
    return true;
  });
  const fedavgOnly = spec.strategies.filter((s) => s.name === 'fedavg');
  await assert.rejects(runStudy({ ...spec, strategies: fedavgOnly, federation: { ...federation, secureAggregation: { clipRange: 1, modulusBits: 32 } } }, baseDir, silent), /both set/);
});
