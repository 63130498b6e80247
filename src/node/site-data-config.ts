import { readCsvFile } from '../connectors/csv/read-file.js';
import { selectRows } from '../data/table.js';
import type { SiteData } from '../site/site-data.js';
import { createDicomImagesSiteData, type DicomImagesSiteDataConfig } from './dicom-image-site-data.js';
import { createMoleculeSiteData, type MoleculesSiteDataConfig } from './molecule-site-data.js';
import { createEcgSyntheticSiteData, type EcgSyntheticSiteDataConfig } from '../signals/ecg/ecg-site-data.js';
import { createFhirSiteData, type FhirSiteDataConfig } from './fhir-site-data.js';
import { createNiftiPatchesSiteData, type NiftiPatchesSiteDataConfig } from './nifti-patch-site-data.js';
import { splitTableSiteData } from './table-split.js';

/**
 * How a site finds its data: a CSV file and its declared schema. In a deployment the file is the
 * site's own; in the simulator every site reads the shared file and keeps only its `rows`.
 * The site splits its rows into training and test (stratified, seeded by study seed and site id).
 */
export interface CsvSiteDataConfig {
  readonly kind: 'csv';
  readonly file: string;
  readonly schemaFile: string;
  /** Simulator: the rows of the file that belong to this site (0-based data rows). */
  readonly rows?: readonly number[];
  readonly testFraction: number;
  readonly seed: number;
  /** The site's own k floor for statistics. */
  readonly minK?: number;
  /** The site's policy for statistics jobs: release its exact min and max (default false). */
  readonly releaseExtremes?: boolean;
}

export type SiteDataConfig = CsvSiteDataConfig | DicomImagesSiteDataConfig | MoleculesSiteDataConfig | FhirSiteDataConfig | EcgSyntheticSiteDataConfig | NiftiPatchesSiteDataConfig;

export async function createSiteData(c: SiteDataConfig, siteId: string): Promise<SiteData> {
  if (c.kind === 'dicom-images') return createDicomImagesSiteData(c, siteId);
  if (c.kind === 'molecules') return createMoleculeSiteData(c, siteId);
  if (c.kind === 'fhir') return createFhirSiteData(c, siteId);
  if (c.kind === 'ecg-synthetic') return createEcgSyntheticSiteData(c, siteId);
  if (c.kind === 'nifti-patches') return createNiftiPatchesSiteData(c, siteId);
  const table = await readCsvFile(c.file, c.schemaFile);
  return splitTableSiteData(c.rows ? selectRows(table, c.rows) : table, c, siteId);
}
