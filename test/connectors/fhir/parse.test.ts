import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { parseFhirFeaturesSpec } from '../../../src/connectors/fhir/features-spec.js';
import { parseFhirText } from '../../../src/connectors/fhir/parse.js';
import { readFhirSiteTable } from '../../../src/connectors/fhir/read-files.js';
import { fhirSiteTable } from '../../../src/connectors/fhir/table.js';
import { fhirFixtureDir, readJson, walk } from './helpers.js';

const dir = fhirFixtureDir();
const johnnie = join(dir, 'synthea', 'Johnnie679_Hermiston71_2cd30bd6-3a87-4191-af90-6daa70f58f55.json');

function expectError(fn: () => unknown, code: string, ...parts: (string | RegExp)[]): MedfedError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MedfedError, `expected a MedfedError, got ${String(e)}`);
    assert.equal(e.code, code, e.describe());
    for (const p of parts) assert.match(e.describe(), typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : p);
    return e;
  }
  assert.fail('expected an error');
}

test('every fixture parses: both Synthea bundles and every official R4 example, with all their resources', () => {
  const files = walk(dir);
  assert.equal(files.length, 28);
  for (const f of files) {
    const records = parseFhirText(readFileSync(f, 'utf8'), f);
    const json = readJson(f);
    // Independent count: a Bundle gives its entries' resources (nested Bundles by their entries), else the resource.
    const count = (r: any): number => (r.resourceType === 'Bundle' ? (r.entry ?? []).filter((e: any) => e.resource).reduce((s: number, e: any) => s + count(e.resource), 0) : 1);
    assert.equal(records.length, count(json), f);
    assert.ok(records.every((r) => typeof r.resource.resourceType === 'string' && r.file === f));
  }
  const synthea = parseFhirText(readFileSync(johnnie, 'utf8'), johnnie);
  assert.equal(synthea.length, 237);
  assert.equal(synthea.filter((r) => r.resource.resourceType === 'Observation').length, 106);
  assert.equal(synthea[5].at, 'entry[5]');
});

test('malformed JSON names file:line:column of the defect', () => {
  const text = readFileSync(johnnie, 'utf8');
  // Remove the comma after the first "status" value that follows line 2000; compute its line independently.
  const lines = text.split('\n');
  const k = lines.findIndex((l, i) => i > 2000 && /"status": "[a-z]+",$/.test(l));
  lines[k] = lines[k].slice(0, -1);
  const broken = lines.join('\n');
  const e = expectError(() => parseFhirText(broken, 'broken.json'), ErrorCodes.DATA_UNREADABLE, 'not valid JSON');
  // The next token (the following property) is where JSON stops being valid.
  const next = lines[k + 1];
  assert.equal(e.where, `broken.json:${k + 2}:${next.length - next.trimStart().length + 1}`);
  // NDJSON: the line of the bad resource, and its column.
  const nd = '{"resourceType":"Patient","id":"a"}\n\n{"resourceType":"Patient","id":"b"}\n{"resourceType":"Patient" "id":"c"}\n';
  const e2 = expectError(() => parseFhirText(nd, 'Patient.ndjson'), ErrorCodes.DATA_UNREADABLE);
  assert.equal(e2.where, 'Patient.ndjson:4:27');
  expectError(() => parseFhirText('  ', 'empty.json'), ErrorCodes.DATA_UNREADABLE, 'empty');
});

test('an unknown resource type is refused, naming the file, entry and resource', () => {
  const bundle = readJson(johnnie);
  bundle.entry[7].resource.resourceType = 'Observaton';
  const id = bundle.entry[7].resource.id;
  const e = expectError(() => parseFhirText(JSON.stringify(bundle), 'j.json'), ErrorCodes.DATA_INVALID, 'unknown resource type "Observaton"', `Observaton/${id}`, 'entry[7]');
  assert.equal(e.where, 'j.json entry[7]');
  bundle.entry[7].resource.resourceType = 'observation';
  expectError(() => parseFhirText(JSON.stringify(bundle), 'j.json'), ErrorCodes.DATA_INVALID, 'did you mean "Observation"');
});

test('structure: misspelt elements, missing required elements and bad quantities are refused', () => {
  const obs = readJson(join(dir, 'r4-examples', 'observation', 'example1.json'));
  const { valueQuantity, ...rest } = obs;
  expectError(() => parseFhirText(JSON.stringify({ ...rest, valueQuantiy: valueQuantity }), 'o.json'), ErrorCodes.DATA_INVALID, '"valueQuantiy" is not an element of Observation', 'Observation/example');
  expectError(() => parseFhirText(JSON.stringify({ ...obs, status: undefined }), 'o.json'), ErrorCodes.DATA_INVALID, 'required element "status"');
  expectError(() => parseFhirText(JSON.stringify({ ...obs, valueQuantity: { ...valueQuantity, value: '185' } }), 'o.json'), ErrorCodes.DATA_INVALID, 'valueQuantity.value');
  const cond = readJson(join(dir, 'r4-examples', 'condition', 'example1.json'));
  delete cond.subject;
  expectError(() => parseFhirText(JSON.stringify(cond), 'c.json'), ErrorCodes.DATA_INVALID, 'Condition/example', '"subject"');
  const pat = readJson(join(dir, 'r4-examples', 'patient', 'example1.json'));
  expectError(() => parseFhirText(JSON.stringify({ ...pat, birthDate: '1974-13-25' }), 'p.json'), ErrorCodes.DATA_INVALID, 'birthDate');
});

test('an Observation without a value that a feature reads is an error naming the file and the resource', () => {
  // The official bundle example holds glucose Observations (LOINC 15074-8) with no value: valid R4, not usable as a feature.
  const file = join(dir, 'r4-examples', 'bundle', 'example4.json');
  const spec = parseFhirFeaturesSpec({
    referenceDate: '2024-01-01',
    label: 'named',
    features: [
      { name: 'named', from: 'fhirpath', type: 'binary', expression: 'name.exists()' },
      { name: 'glucose', from: 'observation', codes: ['loinc|15074-8'], unit: 'mmol/L' },
    ],
  });
  const e = expectError(() => fhirSiteTable([{ name: file, text: readFileSync(file, 'utf8') }], spec), ErrorCodes.DATA_INVALID, 'Observation/123', 'entry[2]', 'has no value');
  assert.equal(e.where, `${file} entry[2]`);
  // Without a glucose feature the same bundle is fine: 3 patients (the two versions of Patient/45 are one).
  const ok = fhirSiteTable([{ name: file, text: readFileSync(file, 'utf8') }], parseFhirFeaturesSpec({ ...spec, features: [spec.features[0], { name: 'n', from: 'count', resource: 'Observation' }] }));
  assert.equal(ok.n, 3);
  assert.deepEqual(Array.from(ok.label), [1, 1, 1]);
  // Patient/23: 123 ("Patient/23"), 124 (absolute URL) and fhir-2/Observation/14 ("Patient/23", resolved by id);
  // the urn:uuid patient: 12; Patient/45: 47 ("Patient/45/_history/2"). 14 names Patient/1 (absent), 48 no one.
  assert.deepEqual(Array.from(ok.features[0].values), [3, 1, 1]);
});

test('all or nothing: one bad file in a folder and no table is produced; the error names that file', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'medfed-fhir-'));
  try {
    writeFileSync(join(tmp, 'a.json'), readFileSync(johnnie));
    const bad = readJson(join(dir, 'synthea', 'Luna60_McCullough561_6662f0ca-b617-4e02-8f55-7275e9f49aa0.json'));
    bad.entry[40].resource.resourceType = 'Foo';
    writeFileSync(join(tmp, 'b.json'), JSON.stringify(bad));
    const spec = parseFhirFeaturesSpec({ referenceDate: '2019-01-01', label: 'sex', features: [{ name: 'age', from: 'age' }, { name: 'sex', from: 'sex' }] });
    await assert.rejects(readFhirSiteTable(tmp, spec), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && e.where === `${join(tmp, 'b.json')} entry[40]`);
    rmSync(join(tmp, 'b.json'));
    const t = await readFhirSiteTable(tmp, spec);
    assert.equal(t.n, 1);
    assert.equal(basename(t.source), basename(tmp));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
