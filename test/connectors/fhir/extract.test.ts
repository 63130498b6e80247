import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { featureColumn } from '../../../src/data/table.js';
import { parseFhirFeaturesSpec } from '../../../src/connectors/fhir/features-spec.js';
import { generateFhirSites, DEFAULT_SITE_PROFILES } from '../../../src/connectors/fhir/generate.js';
import { checkFhirSite, compareSites, formatPreflight } from '../../../src/connectors/fhir/preflight.js';
import { extractFhirTable, fhirSiteTable, parseFhirFiles } from '../../../src/connectors/fhir/table.js';
import { unitConversion } from '../../../src/connectors/fhir/units.js';
import { fhirFixtureDir, readJson } from './helpers.js';

const dir = join(fhirFixtureDir(), 'synthea');
const bundles = ['Johnnie679_Hermiston71_2cd30bd6-3a87-4191-af90-6daa70f58f55.json', 'Luna60_McCullough561_6662f0ca-b617-4e02-8f55-7275e9f49aa0.json'].map((n) => join(dir, n));

const syntheaSpec = parseFhirFeaturesSpec({
  referenceDate: '2019-01-01',
  label: 'sinusitis',
  features: [
    { name: 'age', from: 'age' },
    { name: 'sex', from: 'sex' },
    { name: 'bmi', from: 'observation', codes: ['loinc|39156-5'], unit: 'kg/m2' },
    { name: 'weight_lb', from: 'observation', codes: ['loinc|29463-7'], unit: '[lb_av]' },
    { name: 'sbp', from: 'observation', codes: ['loinc|55284-4'], component: 'loinc|8480-6', unit: 'mm[Hg]' },
    { name: 'height_max', from: 'observation', codes: ['loinc|8302-2'], unit: 'cm', select: 'max' },
    { name: 'encounters', from: 'count', resource: 'Encounter' },
    { name: 'wellness', from: 'count', resource: 'Encounter', where: "class.code = 'wellness'" },
    { name: 'conditions', from: 'fhirpath', type: 'integer', expression: '%conditions.count()' },
    { name: 'sinusitis', from: 'condition', codes: ['snomed|444814009', 'snomed|36971009', 'snomed|75498004', 'snomed|40055000'] },
  ],
});

/** The latest Observation with a LOINC code, read straight from the JSON (independent of the connector). */
function latest(b: any, loinc: string): any {
  const obs = b.entry.map((e: any) => e.resource).filter((r: any) => r.resourceType === 'Observation' && r.code.coding.some((c: any) => c.code === loinc));
  return obs.sort((x: any, y: any) => Date.parse(x.effectiveDateTime) - Date.parse(y.effectiveDateTime)).at(-1);
}

test('extraction on the real Synthea bundles matches values read independently from the JSON', () => {
  const files = bundles.map((f) => ({ name: f, text: readFileSync(f, 'utf8') }));
  const t = fhirSiteTable(files, syntheaSpec, { siteId: 'synthea' });
  assert.equal(t.n, 2);
  assert.equal(t.labelName, 'sinusitis');
  bundles.forEach((f, i) => {
    const b = readJson(f);
    const p = b.entry[0].resource;
    const [y, m, d] = p.birthDate.split('-').map(Number);
    assert.equal(featureColumn(t, 'age').values[i], 2019 - y - (m > 1 || (m === 1 && d > 1) ? 1 : 0));
    assert.equal(featureColumn(t, 'sex').values[i], p.gender === 'male' ? 1 : 0);
    assert.equal(featureColumn(t, 'bmi').values[i], latest(b, '39156-5').valueQuantity.value);
    assert.ok(Math.abs(featureColumn(t, 'weight_lb').values[i] - latest(b, '29463-7').valueQuantity.value / 0.45359237) < 1e-9);
    const bp = latest(b, '55284-4');
    assert.equal(featureColumn(t, 'sbp').values[i], bp.component.find((c: any) => c.code.coding[0].code === '8480-6').valueQuantity.value);
    const heights = b.entry.map((e: any) => e.resource).filter((r: any) => r.resourceType === 'Observation' && r.code.coding[0].code === '8302-2').map((r: any) => r.valueQuantity.value);
    assert.equal(featureColumn(t, 'height_max').values[i], Math.max(...heights));
    const encounters = b.entry.map((e: any) => e.resource).filter((r: any) => r.resourceType === 'Encounter');
    assert.equal(featureColumn(t, 'encounters').values[i], encounters.length);
    assert.equal(featureColumn(t, 'wellness').values[i], encounters.filter((r: any) => r.class.code === 'wellness').length);
    const conditions = b.entry.map((e: any) => e.resource).filter((r: any) => r.resourceType === 'Condition');
    assert.equal(featureColumn(t, 'conditions').values[i], conditions.length);
  });
  // Johnnie has sinusitis 36971009; Luna has viral sinusitis 444814009 (and others).
  assert.deepEqual(Array.from(t.label), [1, 1]);
  assert.deepEqual(t.sites, ['synthea', 'synthea']);
  // An earlier reference date excludes later resources: in 2012-06 Johnnie had no sinusitis yet.
  const early = fhirSiteTable(files, { ...syntheaSpec, referenceDate: '2012-06-01' });
  assert.equal(early.label[0], 0);
  assert.ok(featureColumn(early, 'encounters').values[0] < featureColumn(t, 'encounters').values[0]);
});

test('UCUM conversion: glucose mmol/L to mg/dL with its molecular weight, pounds to kg, no conversion across dimensions', () => {
  const g = unitConversion('mmol/L', 'mg/dL', 180.156);
  assert.ok(typeof g !== 'string');
  assert.ok(Math.abs(g.apply(5.5) - 99.0858) < 1e-6);
  assert.match(String(unitConversion('mmol/L', 'mg/dL')), /molecular weight/);
  const lb = unitConversion('[lb_av]', 'kg');
  assert.ok(typeof lb !== 'string' && Math.abs(lb.apply(185) - 83.91458845) < 1e-6);
  const c = unitConversion('Cel', '[degF]');
  assert.ok(typeof c !== 'string' && Math.abs(c.apply(37) - 98.6) < 1e-9);
  assert.match(String(unitConversion('mg/dL', 'mm[Hg]')), /convert/i);
  assert.match(String(unitConversion('mmHg', 'mm[Hg]')), /not a UCUM unit/);
});

const glucoseSpec = (extra: object = {}) =>
  parseFhirFeaturesSpec({
    referenceDate: '2024-01-01',
    label: 'diabetes',
    features: [
      { name: 'age', from: 'age' },
      { name: 'glucose', from: 'observation', codes: ['loinc|1558-6', 'loinc|14771-0'], unit: 'mg/dL', molecularWeight: 180.156, plausible: [20, 1000], candidateUnits: ['mg/dL', 'mmol/L'], missing: 'indicator', ...extra },
      { name: 'diabetes', from: 'condition', codes: ['snomed|44054006'] },
    ],
  });

/** Raw glucose per patient id from generated NDJSON, with its unit. */
function rawGlucose(files: { name: string; text: string }[]): Map<string, { value: number; unit?: string }> {
  const obs = files.find((f) => f.name === 'Observation.ndjson')!.text.trim().split('\n').map((l) => JSON.parse(l));
  return new Map(obs.filter((o) => ['1558-6', '14771-0'].includes(o.code.coding[0].code)).map((o) => [o.subject.reference.slice(8), { value: o.valueQuantity.value, unit: o.valueQuantity.code }]));
}

test('a site reporting glucose in mmol/L is detected from the Observation unit and converted to mg/dL', () => {
  const [a, b] = generateFhirSites({ seed: 5, patients: 80, sites: 2 });
  const records = parseFhirFiles(b.files);
  const { table, analysis } = extractFhirTable(records, glucoseSpec(), { siteId: 'site-b' });
  const glucose = analysis.fields[1];
  assert.deepEqual(glucose.units.map((u) => [u.unit, u.how, u.conversion?.to]), [['mmol/L', 'recorded', 'mg/dL']]);
  const raw = rawGlucose(b.files);
  const ids = analysis.index.patients.map((p) => p.resource.id!);
  let checked = 0;
  ids.forEach((id, i) => {
    const r = raw.get(id);
    if (!r) return assert.ok(Number.isNaN(featureColumn(table, 'glucose').values[i]));
    assert.equal(r.unit, 'mmol/L');
    assert.ok(Math.abs(featureColumn(table, 'glucose').values[i] - r.value * 18.0156) < 1e-9);
    checked++;
  });
  assert.ok(checked > 60);
  // The mg/dL site is read as recorded; both sites end on the same scale (medians within 25%).
  const ta = fhirSiteTable(a.files, glucoseSpec());
  const med = (t: typeof ta) => Array.from(featureColumn(t, 'glucose').values).filter((v) => !Number.isNaN(v)).sort((x, y) => x - y)[t.n >> 2];
  assert.ok(Math.abs(med(ta) / med(table) - 1) < 0.25, `${med(ta)} vs ${med(table)}`);
  // Pre-flight lists the conversion.
  const fit = checkFhirSite(records, glucoseSpec(), { siteId: 'site-b' }).fields[1];
  assert.equal(fit.status, 'converted');
  assert.deepEqual(fit.units, ['mmol/L → mg/dL (recorded, ' + raw.size + ')']);
});

test('glucose without a unit: inferred from the value distribution when unambiguous, refused when ambiguous, declared by the site otherwise', () => {
  const profile = { ...DEFAULT_SITE_PROFILES[1], omitGlucoseUnit: true };
  const [site] = generateFhirSites({ seed: 6, patients: 80, profiles: [profile] });
  const records = parseFhirFiles(site.files);
  const { table, analysis } = extractFhirTable(records, glucoseSpec(), { siteId: 'b' });
  const use = analysis.fields[1].units[0];
  assert.equal(use.unit, null);
  assert.equal(use.how, 'inferred from values');
  assert.equal(use.read, 'mmol/L');
  assert.match(analysis.fields[1].problems[0].message, /without a unit .*100% plausible as mmol\/L.*unit inferred as mmol\/L \(unambiguous\)/);
  const raw = rawGlucose(site.files);
  const i = analysis.index.patients.findIndex((p) => raw.has(p.resource.id!));
  assert.ok(Math.abs(featureColumn(table, 'glucose').values[i] - raw.get(analysis.index.patients[i].resource.id!)!.value * 18.0156) < 1e-9);
  // A range where both units fit: ambiguous, so extraction stops and says why.
  assert.throws(
    () => extractFhirTable(records, glucoseSpec({ plausible: [0.5, 5000] }), { siteId: 'b' }),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && /ambiguous: mg\/dL or mmol\/L/.test(e.message) && /units: \{ glucose/.test(e.hint ?? ''),
  );
  // The site may declare the unit; then nothing is inferred.
  const declared = extractFhirTable(records, glucoseSpec({ plausible: [0.5, 5000] }), { siteId: 'b', units: { glucose: 'mmol/L' } });
  assert.equal(declared.analysis.fields[1].units[0].how, 'declared by site');
  assert.deepEqual(Array.from(featureColumn(declared.table, 'glucose').values), Array.from(featureColumn(table, 'glucose').values));
});

test('per-site code mapping: ICD-10-CM E11 counts as SNOMED 44054006 only where mapped; pre-flight lists mismatches by site and field', () => {
  const sites = generateFhirSites({ seed: 7, patients: 120 });
  const records = sites.map((s) => parseFhirFiles(s.files));
  const spec = glucoseSpec();
  const icd = sites[2].files.find((f) => f.name === 'Condition.ndjson')!.text.trim().split('\n').map((l) => JSON.parse(l)).filter((c) => c.code.coding[0].code === 'E11.9');
  assert.ok(icd.length > 5);
  const unmapped = extractFhirTable(records[2], spec, { siteId: 'site-c' }).table;
  assert.equal(unmapped.label.reduce((s, v) => s + v, 0), 0);
  const mapping = { 'snomed|44054006': ['icd-10-cm|E11*'] };
  const mapped = extractFhirTable(records[2], spec, { siteId: 'site-c', codeMap: mapping }).table;
  assert.equal(mapped.label.reduce((s, v) => s + v, 0), new Set(icd.map((c) => c.subject.reference)).size);

  const reports = [
    checkFhirSite(records[0], spec, { siteId: 'site-a' }),
    checkFhirSite(records[1], spec, { siteId: 'site-b' }),
    checkFhirSite(records[2], spec, { siteId: 'site-c' }),
  ];
  assert.equal(reports[2].fits, false);
  const mismatches = compareSites(reports, spec);
  const keyed = mismatches.map((m) => `${m.site}/${m.field}/${m.kind}`);
  assert.deepEqual(keyed, ['site-b/glucose/unit', 'site-c/diabetes/missing', 'site-c/diabetes/label']);
  assert.match(mismatches[1].detail, /icd-10-cm/);
  const text = formatPreflight(reports, mismatches);
  assert.match(text, /glucose\s+ok.*mmol\/L → mg\/dL/);
  assert.match(text, /site-c · diabetes · missing/);
  assert.match(text, /Site\(s\) that do not fit: site-c/);

  const fixed = checkFhirSite(records[2], spec, { siteId: 'site-c', codeMap: mapping });
  assert.equal(fixed.fits, true);
  assert.equal(fixed.fields[2].status, 'mapped');
  const after = compareSites([reports[0], reports[1], fixed], spec).map((m) => `${m.site}/${m.field}/${m.kind}`);
  assert.deepEqual(after, ['site-b/glucose/unit', 'site-c/diabetes/code']);
});

test('an unconvertible unit and a bad features spec are clear errors', () => {
  const [site] = generateFhirSites({ seed: 8, patients: 20, sites: 1 });
  const spec = parseFhirFeaturesSpec({
    referenceDate: '2024-01-01',
    label: 'diabetes',
    features: [
      { name: 'chol', from: 'observation', codes: ['loinc|2093-3'], unit: 'mm[Hg]' },
      { name: 'diabetes', from: 'condition', codes: ['snomed|44054006'] },
    ],
  });
  assert.throws(() => fhirSiteTable(site.files, spec), (e: unknown) => e instanceof MedfedError && /"mg\/dL" cannot be converted to mm\[Hg\]/.test(e.message) && /Observation\.ndjson:\d+/.test(e.where ?? ''));
  assert.throws(
    () => parseFhirFeaturesSpec({ referenceDate: '2024-01-01', label: 'age', features: [{ name: 'age', from: 'age' }, { name: 'g', from: 'observation', codes: ['4548-4'], unit: 'mmHg' }] }),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID && /system\|code/.test(e.message) && /not a UCUM unit/.test(e.message) && /label must be binary/.test(e.message),
  );
});
