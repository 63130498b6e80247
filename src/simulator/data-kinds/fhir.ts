import { resolve } from 'node:path';
import { loadFhirStudyTables } from '../../connectors/fhir/read-files.js';
import type { FhirDataSpec } from '../../connectors/fhir/spec.js';
import type { StudySpec } from '../../core/study-spec.js';
import type { StudyData } from '../study-data.js';
import { tabularStudyData } from './tabular-study.js';

/**
 * FHIR R4 files per site (docs/fhir.md): the pre-flight check runs on every site first (and stops
 * the study if one does not fit); then each site extracts and harmonises its own table in its worker.
 */
export async function prepareFhirStudyData(spec: StudySpec, d: FhirDataSpec, baseDir: string, log: (line: string) => void = () => undefined): Promise<StudyData> {
  const loaded = await loadFhirStudyTables(d, baseDir);
  log(`FHIR pre-flight check:\n${loaded.preflight}`);
  const first = loaded.sites[0].table;
  return tabularStudyData({
    schema: first.schema,
    sites: loaded.sites.map((s, i) => ({
      siteId: s.siteId,
      data: {
        kind: 'fhir' as const,
        paths: [d.sites[i].path].flat().map((p) => resolve(baseDir, p)),
        features: loaded.features,
        siteOptions: { codeMap: d.sites[i].codeMap, units: d.sites[i].units },
        testFraction: d.testFraction,
        seed: spec.seed,
      },
      labels: s.table.label,
    })),
    numClasses: first.labelLevels.length,
    survival: first.survival !== undefined,
    normalize: d.normalize,
    dataset: {
      name: spec.name,
      source: d.source ?? 'FHIR R4 files',
      licence: d.licence ?? 'not stated',
      rows: loaded.sites.reduce((a, s) => a + s.table.n, 0),
    },
    excluded: {},
  });
}
