import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';
import { readDataText } from '../../node/read-data-file.js';
import { parseFhirFeaturesSpec } from '../../connectors/fhir/features-spec.js';
import { generateFhirSites, type GenerateOptions } from '../../connectors/fhir/generate.js';
import { compareSites, formatPreflight } from '../../connectors/fhir/preflight.js';
import { checkFhirSiteFiles, loadFhirStudyTables, writeGeneratedSites } from '../../connectors/fhir/read-files.js';
import { fhirDataSchema } from '../../connectors/fhir/spec.js';

function integer(name: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v)) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `--${name} must be an integer, got "${text}"`, { where: `--${name}` });
    return v;
  };
}

export function registerFhirCommand(program: Command): void {
  const fhir = program.command('fhir').description('FHIR R4 data: generate Synthea-like multi-site patients, pre-flight check a features spec (docs/fhir.md)');
  fhir
    .command('generate')
    .description('Write Synthea-like FHIR R4 patients for several sites (one folder per site), with site differences in units, codes and populations')
    .requiredOption('--out <dir>', 'output folder (one sub-folder per site)')
    .option('--sites <n>', 'number of sites', integer('sites'), 3)
    .option('--patients <n>', 'patients per site', integer('patients'), 500)
    .option('--seed <s>', 'random seed (same seed, same bytes)', integer('seed'), 42)
    .option('--format <f>', 'ndjson (bulk export, one file per resource type) or bundle (one Bundle per patient)', 'ndjson')
    .option('--reference-date <date>', 'YYYY-MM-DD: every resource is dated on or before it', '2024-01-01')
    .action(async (o: { out: string; sites: number; patients: number; seed: number; format: string; referenceDate: string }) => {
      if (o.format !== 'ndjson' && o.format !== 'bundle') throw new MedfedError(ErrorCodes.CONFIG_INVALID, `--format must be ndjson or bundle, got "${o.format}"`, { where: '--format' });
      const options: GenerateOptions = { seed: o.seed, patients: o.patients, sites: o.sites, format: o.format, referenceDate: o.referenceDate };
      const sites = generateFhirSites(options);
      const dirs = await writeGeneratedSites(o.out, sites, options);
      sites.forEach((s, i) => {
        const m = s.summary;
        process.stdout.write(`${dirs[i]}: ${m.patients} patients, ${m.resources} resources, diagnosed diabetes ${m.diagnosedDiabetes} (${((100 * m.diagnosedDiabetes) / m.patients).toFixed(1)}%), hypertension ${m.hypertension} — ${s.profile.name}\n`);
      });
    });
  fhir
    .command('check')
    .description('Pre-flight: do the sites\' FHIR files fit a features spec? Per field and site: present, units converted, codes mapped, fraction missing; mismatches listed')
    .argument('<spec>', 'a study spec with data.kind: fhir (its sites and code maps), or a features spec YAML')
    .argument('[dirs...]', 'with a features spec: one folder (or file) per site; site id = folder name')
    .action(async (specFile: string, dirs: string[]) => {
      const value: unknown = parseYaml(await readDataText(specFile));
      const data = (value as { data?: { kind?: unknown } } | null)?.data;
      let text: string;
      let fits: boolean;
      if (data?.kind === 'fhir') {
        const r = fhirDataSchema.safeParse(data);
        if (!r.success) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid FHIR data block in ${specFile}: ${formatZodIssues(r.error, 'data')}`, { where: specFile });
        const loaded = await loadFhirStudyTables({ ...r.data, preflight: 'warn' }, dirname(resolve(specFile)));
        text = loaded.preflight;
        fits = loaded.reports.every((x) => x.fits);
      } else {
        if (dirs.length === 0) throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'give one folder per site after a features spec', { hint: 'medfed fhir check features.yaml sites/site-a sites/site-b' });
        const spec = parseFhirFeaturesSpec(value, specFile);
        const reports = await Promise.all(dirs.map((d) => checkFhirSiteFiles(d, spec, { siteId: d.split(/[\\/]/).filter(Boolean).pop() })));
        text = formatPreflight(reports, compareSites(reports, spec));
        fits = reports.every((x) => x.fits);
      }
      process.stdout.write(text);
      if (!fits) process.exitCode = 1;
    });
}
