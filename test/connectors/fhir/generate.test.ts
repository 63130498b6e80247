import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { featureColumn } from '../../../src/data/table.js';
import { generateFhirSites } from '../../../src/connectors/fhir/generate.js';
import { parseFhirFeaturesSpec } from '../../../src/connectors/fhir/features-spec.js';
import { fhirSiteTable } from '../../../src/connectors/fhir/table.js';

test('same seed, same bytes; another seed, other patients', () => {
  const a = generateFhirSites({ seed: 3, patients: 40 });
  const b = generateFhirSites({ seed: 3, patients: 40 });
  const c = generateFhirSites({ seed: 4, patients: 40 });
  assert.deepEqual(a, b);
  assert.notEqual(a[0].files[0].text, c[0].files[0].text);
  const bundles = generateFhirSites({ seed: 3, patients: 5, format: 'bundle' });
  assert.equal(bundles[0].files.length, 5);
  assert.deepEqual(bundles, generateFhirSites({ seed: 3, patients: 5, format: 'bundle' }));
});

const spec = parseFhirFeaturesSpec({
  referenceDate: '2024-01-01',
  label: 'diabetes',
  features: [
    { name: 'age', from: 'age' },
    { name: 'sex', from: 'sex' },
    { name: 'bmi', from: 'observation', codes: ['loinc|39156-5'], unit: 'kg/m2' },
    { name: 'sbp', from: 'observation', codes: ['loinc|85354-9'], component: 'loinc|8480-6', unit: 'mm[Hg]' },
    { name: 'hba1c', from: 'observation', codes: ['loinc|4548-4'], unit: '%', missing: 'indicator' },
    { name: 'glucose', from: 'observation', codes: ['loinc|1558-6', 'loinc|14771-0'], unit: 'mg/dL', molecularWeight: 180.156, missing: 'indicator' },
    { name: 'hypertension', from: 'condition', codes: ['snomed|38341003'] },
    { name: 'diabetes', from: 'condition', codes: ['snomed|44054006'] },
  ],
});

const mean = (xs: Float64Array) => {
  const v = Array.from(xs).filter((x) => !Number.isNaN(x));
  return v.reduce((s, x) => s + x, 0) / v.length;
};

test('plausible clinical distributions and site differences (prevalence within ranges, risk factors matter)', () => {
  const sites = generateFhirSites({ seed: 21, patients: 600 });
  const maps = [{}, {}, { codeMap: { 'snomed|44054006': ['icd-10-cm|E11*'], 'snomed|38341003': ['icd-10-cm|I10'] } }];
  const tables = sites.map((s, i) => fhirSiteTable(s.files, spec, { siteId: s.profile.id, ...maps[i] }));
  tables.forEach((t, i) => {
    const p = sites[i].profile;
    assert.equal(t.n, 600);
    const prevalence = t.label.reduce((s, v) => s + v, 0) / t.n;
    assert.ok(prevalence > 0.04 && prevalence < 0.25, `${p.id} diagnosed diabetes ${prevalence}`);
    const htn = mean(featureColumn(t, 'hypertension').values);
    assert.ok(htn > 0.15 && htn < 0.55, `${p.id} hypertension ${htn}`);
    assert.ok(Math.abs(mean(featureColumn(t, 'age').values) - p.ageMean) < 3, `${p.id} age`);
    assert.ok(Math.abs(mean(featureColumn(t, 'bmi').values) - p.bmiMean) < 1.5, `${p.id} bmi`);
    const male = mean(featureColumn(t, 'sex').values);
    assert.ok(male > 0.4 && male < 0.6);
    const sbp = mean(featureColumn(t, 'sbp').values);
    assert.ok(sbp > 110 && sbp < 140, `${p.id} sbp ${sbp}`);
    const missingA1c = Array.from(featureColumn(t, 'hba1c').values).filter(Number.isNaN).length / t.n;
    assert.ok(Math.abs(missingA1c - p.labMissing) < 0.06, `${p.id} lab missingness ${missingA1c}`);
    // Diagnosed diabetics have higher HbA1c and glucose (in mg/dL at every site, after conversion).
    const by = (name: string, cls: number) => mean(Float64Array.from(Array.from(featureColumn(t, name).values).filter((_, r) => t.label[r] === cls)));
    assert.ok(by('hba1c', 1) - by('hba1c', 0) > 1.2, `${p.id} hba1c gap`);
    assert.ok(by('glucose', 0) > 80 && by('glucose', 0) < 115, `${p.id} non-diabetic glucose ${by('glucose', 0)}`);
    assert.ok(by('glucose', 1) > 130, `${p.id} diabetic glucose ${by('glucose', 1)}`);
    assert.ok(by('age', 1) > by('age', 0) + 5 && by('bmi', 1) > by('bmi', 0) + 1.5, `${p.id} risk factors`);
  });
  // The older site has more diabetes than the urban one.
  const prev = tables.map((t) => t.label.reduce((s, v) => s + v, 0) / t.n);
  assert.ok(prev[1] > prev[0], `site-b ${prev[1]} vs site-a ${prev[0]}`);
});

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'cli', 'main.js');

test('medfed fhir generate writes one folder per site, byte-identical for the same seed; medfed fhir check reports the mismatches', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'medfed-fhir-gen-'));
  try {
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'fhir', ...args], { encoding: 'utf8' });
    for (const out of ['one', 'two']) {
      const r = run('generate', '--sites', '3', '--patients', '30', '--seed', '9', '--out', join(tmp, out));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /site-b: 30 patients/);
    }
    const sites = readdirSync(join(tmp, 'one')).sort();
    assert.deepEqual(sites, ['site-a', 'site-b', 'site-c']);
    for (const s of sites) {
      for (const f of readdirSync(join(tmp, 'one', s))) assert.ok(readFileSync(join(tmp, 'one', s, f)).equals(readFileSync(join(tmp, 'two', s, f))), `${s}/${f}`);
    }
    const specFile = join(tmp, 'features.yaml');
    const text = `referenceDate: '2024-01-01'\nlabel: diabetes\nfeatures:\n  - { name: age, from: age }\n  - { name: glucose, from: observation, codes: ['loinc|1558-6', 'loinc|14771-0'], unit: mg/dL, molecularWeight: 180.156, missing: indicator }\n  - { name: diabetes, from: condition, codes: ['snomed|44054006'] }\n`;
    writeFileSync(specFile, text);
    const check = run('check', specFile, ...sites.map((s) => join(tmp, 'one', s)));
    assert.equal(check.status, 1, check.stderr);
    assert.match(check.stdout, /site-b · glucose · unit: mmol\/L → mg\/dL/);
    assert.match(check.stdout, /site-c · diabetes · missing: .*icd-10-cm/);
    const bad = run('generate', '--patients', 'many', '--out', join(tmp, 'x'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--patients must be an integer/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
