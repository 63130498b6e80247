import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { parseYamlConfig } from '../../core/yaml-config.js';
import type { Table } from '../../data/table.js';
import { readDataText } from '../../node/read-data-file.js';
import { fhirFeaturesSchema, type FhirFeaturesSpec, type FhirSiteOptionsInput } from './features-spec.js';
import { generateFhirSites, type GeneratedSite, type GenerateOptions } from './generate.js';
import { checkFhirSite, compareSites, formatPreflight, type Mismatch, type SiteFitReport } from './preflight.js';
import type { FhirDataSpec } from './spec.js';
import { extractFhirTable, parseFhirFiles, type FhirFileText, type FhirSiteExtraction } from './table.js';

/** Node only: FHIR file reading, the study loader and the generator's writer (docs/fhir.md). */
const FHIR_FILE = /\.(json|ndjson|jsonl)$/i;

/** The FHIR files under each path: a file as is, a folder recursively (*.json, *.ndjson, *.jsonl; sorted). */
export async function listFhirFiles(paths: string | readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string, top: boolean): Promise<void> => {
    let s;
    try {
      s = await stat(p);
    } catch (e) {
      throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `FHIR path ${p} does not exist`, { where: p, hint: 'check the path (relative paths are resolved from the study spec or the working directory)', cause: e });
    }
    if (s.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const name of names) if (!name.startsWith('.')) await visit(join(p, name), false);
    } else if (top || FHIR_FILE.test(p)) out.push(p);
  };
  for (const p of typeof paths === 'string' ? [paths] : paths) await visit(p, true);
  if (out.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `no FHIR files (*.json, *.ndjson) under ${[paths].flat().join(', ')}`, { where: [paths].flat().join(', '), hint: 'point to a folder of Bundles or a bulk-export folder of NDJSON files' });
  }
  return out;
}

export async function readFhirFiles(paths: string | readonly string[]): Promise<FhirFileText[]> {
  const files = await listFhirFiles(paths);
  return Promise.all(files.map(async (name) => ({ name, text: await readDataText(name) })));
}

/** Node only: reads a features spec YAML file. */
export async function readFhirFeaturesSpecFile(path: string): Promise<FhirFeaturesSpec> {
  return parseYamlConfig(await readDataText(path), path, fhirFeaturesSchema, 'FHIR features spec', 'see docs/fhir.md for the features spec');
}

/**
 * Node only: a site's FHIR files (files or folders) as a Table, all or nothing: every file is
 * parsed and validated before any feature is extracted, and any error throws (docs/fhir.md).
 */
export async function readFhirSiteTable(files: string | readonly string[], featuresSpec: FhirFeaturesSpec | string, siteOptions: FhirSiteOptionsInput = {}): Promise<Table> {
  return (await readFhirSite(files, featuresSpec, siteOptions)).table;
}

/** As readFhirSiteTable, with the harmonisation analysis (units, codes, problems per feature). */
export async function readFhirSite(files: string | readonly string[], featuresSpec: FhirFeaturesSpec | string, siteOptions: FhirSiteOptionsInput = {}): Promise<FhirSiteExtraction> {
  const spec = typeof featuresSpec === 'string' ? await readFhirFeaturesSpecFile(featuresSpec) : featuresSpec;
  const texts = await readFhirFiles(files);
  const source = typeof files === 'string' ? files : files.join(', ');
  return extractFhirTable(parseFhirFiles(texts), spec, siteOptions, source);
}

/** Node only: the pre-flight report of one site's files. */
export async function checkFhirSiteFiles(files: string | readonly string[], spec: FhirFeaturesSpec, siteOptions: FhirSiteOptionsInput = {}): Promise<SiteFitReport> {
  return checkFhirSite(parseFhirFiles(await readFhirFiles(files)), spec, siteOptions);
}

/** Writes generated sites under `outDir/<site id>/` with a README per site; returns the folders. */
export async function writeGeneratedSites(outDir: string, sites: readonly GeneratedSite[], options: GenerateOptions): Promise<string[]> {
  const dirs: string[] = [];
  try {
    for (const s of sites) {
      const dir = join(outDir, s.profile.id);
      await mkdir(dir, { recursive: true });
      for (const f of s.files) await writeFile(join(dir, f.name), f.text);
      const p = s.profile;
      await writeFile(
        join(dir, 'README.md'),
        `# ${p.id}: ${p.name}\n\nSynthetic FHIR R4 patients from \`medfed fhir generate\` (seed ${options.seed}, ${options.patients} patients, ` +
          `reference date ${options.referenceDate ?? '2024-01-01'}). Not real patients. Model: src/connectors/fhir/generate.ts.\n\n` +
          `- population: age ${p.ageMean} ± ${p.ageSd}, BMI mean ${p.bmiMean}, current smokers ${Math.round(p.smokingRate * 100)}%, labs missing for ${Math.round(p.labMissing * 100)}%\n` +
          `- glucose in ${p.glucoseUnit}${p.omitGlucoseUnit ? ' (unit left off)' : ''}; diabetes and hypertension coded in ${p.conditionCodes}\n` +
          `- ${s.summary.patients} patients, ${s.summary.resources} resources; diabetes ${s.summary.diabetes} (diagnosed ${s.summary.diagnosedDiabetes}), hypertension ${s.summary.hypertension}\n`,
      );
      dirs.push(dir);
    }
  } catch (e) {
    if (e instanceof MedfedError) throw e;
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot write generated FHIR sites under ${outDir}: ${(e as Error).message}`, { where: outDir, cause: e });
  }
  return dirs;
}

export interface FhirStudyTables {
  readonly features: FhirFeaturesSpec;
  readonly sites: { readonly siteId: string; readonly table: Table; readonly extraction: FhirSiteExtraction }[];
  readonly reports: SiteFitReport[];
  readonly mismatches: Mismatch[];
  /** The pre-flight table text (formatPreflight). */
  readonly preflight: string;
}

/**
 * Node only: a FHIR study's data block → one Table per site, for the simulator. Generates missing
 * site folders first when `generate` is set, runs the pre-flight check on every site and stops
 * (DATA_INVALID with the table in the message) if one does not fit under preflight: stop-on-error.
 */
export async function loadFhirStudyTables(data: FhirDataSpec, baseDir: string): Promise<FhirStudyTables> {
  const features = typeof data.features === 'string' ? await readFhirFeaturesSpecFile(resolve(baseDir, data.features)) : data.features;
  const paths = data.sites.map((s) => [s.path].flat().map((p) => resolve(baseDir, p)));
  if (data.generate && paths.some((ps) => ps.some((p) => !existsSync(p)))) {
    const options: GenerateOptions = { seed: data.generate.seed, patients: data.generate.patients, sites: data.sites.length, format: data.generate.format, referenceDate: data.generate.referenceDate };
    const generated = generateFhirSites(options);
    await Promise.all(
      data.sites.map(async (s, i) => {
        const dir = paths[i][0];
        if (!existsSync(dir)) await writeGeneratedSites(resolve(dir, '..'), [{ ...generated[i], profile: { ...generated[i].profile, id: relativeName(dir) } }], options);
      }),
    );
  }
  const records = await Promise.all(paths.map(async (ps) => parseFhirFiles(await readFhirFiles(ps))));
  const reports = data.sites.map((s, i) => checkFhirSite(records[i], features, { siteId: s.id, codeMap: s.codeMap, units: s.units }));
  const mismatches = compareSites(reports, features);
  const preflight = formatPreflight(reports, mismatches);
  if (data.preflight === 'stop-on-error' && reports.some((r) => !r.fits)) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `pre-flight check failed: site(s) ${reports.filter((r) => !r.fits).map((r) => r.site).join(', ')} do not fit the features spec\n${preflight}`, {
      where: 'data.sites',
      hint: 'map the site codes (codeMap), declare units, or fix the files; `medfed fhir check` prints this table',
    });
  }
  const sites = data.sites.map((s, i) => {
    const extraction = extractFhirTable(records[i], features, { siteId: s.id, codeMap: s.codeMap, units: s.units }, paths[i].join(', '));
    return { siteId: s.id, table: extraction.table, extraction };
  });
  return { features, sites, reports, mismatches, preflight };
}

function relativeName(dir: string): string {
  return dir.split(/[\\/]/).filter(Boolean).pop()!;
}
