import { levelsOf, parseTabularSchema } from '../csv/schema.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { MissingReport, Table } from '../../data/table.js';
import { analyseSite, type SiteAnalysis } from './analyse.js';
import { fhirSiteOptionsSchema, type FhirFeaturesSpec, type FhirSiteOptionsInput } from './features-spec.js';
import { parseFhirText } from './parse.js';
import type { FhirRecord } from './resources.js';

/** One file's name and text (the isomorphic input: Node reads files, a browser gets them from the user). */
export interface FhirFileText {
  readonly name: string;
  readonly text: string;
}

export interface FhirSiteExtraction {
  readonly table: Table;
  readonly analysis: SiteAnalysis;
}

/** Parses and validates every file first: one bad file and nothing of the set is imported. */
export function parseFhirFiles(files: readonly FhirFileText[]): FhirRecord[] {
  if (files.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, 'no FHIR files were given', { hint: 'give .json Bundles/resources or .ndjson bulk-export files' });
  }
  return files.flatMap((f) => parseFhirText(f.text, f.name));
}

/**
 * A site's FHIR resources as the project's Table: one row per Patient, one column per declared
 * feature (in spec order, the label excluded), harmonised to the spec (codes mapped, units
 * converted). Any field error (a matched Observation without a value, a unit that does not
 * convert, a missing value under missing: error) throws DATA_INVALID naming the file and the
 * resource; rows are dropped only under drop-row and counted in `table.missing`. `lines` holds
 * each Patient's position (NDJSON line, or Bundle entry index + 1).
 */
export function extractFhirTable(records: readonly FhirRecord[], spec: FhirFeaturesSpec, optionsInput: FhirSiteOptionsInput = {}, source = 'FHIR'): FhirSiteExtraction {
  const options = fhirSiteOptionsSchema.parse(optionsInput);
  const analysis = analyseSite(records, spec, options);
  const site = options.siteId ? ` at site ${options.siteId}` : '';
  for (const field of analysis.fields) {
    const e = field.problems.find((p) => p.severity === 'error');
    if (e) throw new MedfedError(ErrorCodes.DATA_INVALID, `${e.message}${site}`, { where: e.where ?? source, hint: e.hint });
  }
  const n = analysis.index.patients.length;
  if (n === 0) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${source} holds no Patient resources${site}`, { where: source, hint: 'a FHIR site table has one row per Patient: include the Patient resources (Patient.ndjson in a bulk export)' });
  }
  const schema = parseTabularSchema(
    { name: options.siteId ?? 'fhir', columns: analysis.fields.map((f) => f.column), label: spec.label, ...(options.siteId ? { site: 'site' } : {}) },
    'FHIR features spec',
  );
  const keep = new Uint8Array(n).fill(1);
  const byColumn: { column: string; policy: (typeof schema.columns)[number]['missing']; missing: number; droppedRows: number }[] = [];
  for (const field of analysis.fields) {
    const c = field.column;
    let missing = 0;
    let dropped = 0;
    for (let p = 0; p < n; p++) {
      if (!Number.isNaN(field.values[p])) continue;
      missing++;
      if (c.missing === 'error') {
        const rec = analysis.index.patients[p];
        throw new MedfedError(ErrorCodes.DATA_INVALID, `feature "${c.name}" is missing for Patient/${rec.resource.id ?? '?'}${site} and its policy is "error"`, {
          where: rec.where,
          hint: 'set missing: drop-row, impute-mean, impute-median or indicator for this feature',
        });
      }
      if (c.missing === 'drop-row' && keep[p]) {
        keep[p] = 0;
        dropped++;
      }
    }
    if (missing > 0) byColumn.push({ column: c.name, policy: c.missing, missing, droppedRows: dropped });
  }
  const kept: number[] = [];
  for (let p = 0; p < n; p++) if (keep[p]) kept.push(p);
  if (kept.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `all ${n} patients${site} were dropped for missing values`, { where: source, hint: 'use an impute-* or indicator policy for the features that are often missing' });
  }
  const take = (v: Float64Array) => Float64Array.from(kept, (p) => v[p]);
  const labelField = analysis.fields.find((f) => f.column.name === spec.label)!;
  const missingReport: MissingReport = {
    rowsRead: n,
    rowsDropped: n - kept.length,
    droppedLines: analysis.index.patients.map((r) => r.position).filter((_, p) => !keep[p]),
    byColumn,
  };
  const table: Table = {
    source,
    schema,
    n: kept.length,
    features: analysis.fields.filter((f) => f !== labelField).map((f) => ({ spec: schema.columns.find((c) => c.name === f.column.name)!, values: take(f.values) })),
    label: Int32Array.from(kept, (p) => labelField.values[p]),
    labelName: spec.label,
    labelLevels: levelsOf(schema.columns.find((c) => c.name === spec.label)!),
    sites: options.siteId ? kept.map(() => options.siteId!) : undefined,
    lines: Int32Array.from(kept, (p) => analysis.index.patients[p].position),
    missing: missingReport,
  };
  return { table, analysis };
}

/** Isomorphic: parse + validate + extract a site's files (all or nothing). */
export function fhirSiteTable(files: readonly FhirFileText[], spec: FhirFeaturesSpec, options: FhirSiteOptionsInput = {}): Table {
  const source = files.length === 1 ? files[0].name : `${files.length} FHIR files`;
  return extractFhirTable(parseFhirFiles(files), spec, options, source).table;
}
