import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Progress } from '../../src/cli/progress.js';
import { loadStudySpec } from '../../src/node/load-study-spec.js';
import { runStudy } from '../../src/simulator/run-study.js';

const root = resolve(import.meta.dirname, '../../..');
const silent: Progress = { start() {}, tick() {}, done() {}, log() {} };

test('the EHR study runs across 3 sites from FHIR files alone and beats the majority class with 95% intervals', async () => {
  const { spec, baseDir } = loadStudySpec(resolve(root, 'examples/ehr/study.yaml'));
  assert.equal(spec.data.kind, 'fhir');
  if (spec.data.kind !== 'fhir') return;
  // Generated sites in a temporary folder (400 patients each), the spec's own features and code maps.
  const dir = mkdtempSync(join(tmpdir(), 'medfed-ehr-'));
  const data = {
    ...spec.data,
    features: resolve(baseDir, spec.data.features as string),
    sites: spec.data.sites.map((s) => ({ ...s, path: join(dir, s.id) })),
    generate: { ...spec.data.generate!, patients: 400 },
  };
  const study = await runStudy(
    { ...spec, data, federation: { ...spec.federation, rounds: 10 }, models: spec.models.filter((m) => m.name === 'logreg'), strategies: spec.strategies.filter((s) => s.name === 'fedavg') },
    baseDir,
    silent,
  );
  assert.deepEqual(study.data.sites.map((s) => s.siteId), ['site-a', 'site-b', 'site-c']);
  const majority = study.majorityBaseline!;
  assert.ok(majority.accuracy > 0.7, 'diabetes is the minority class');
  const fed = study.runs.find((r) => r.kind === 'federated')!;
  const ci = fed.metrics.intervals!;
  assert.ok(ci.auroc.lower! > 0.5, `AUROC interval ${JSON.stringify(ci.auroc)} is above chance`);
  assert.ok(ci.accuracy.lower! > majority.accuracy, `accuracy interval ${JSON.stringify(ci.accuracy)} above the majority class ${majority.accuracy}`);
  assert.ok((fed.metrics.auroc as number) >= ci.auroc.lower! && (fed.metrics.auroc as number) <= ci.auroc.upper!);
});
