import type { FhirFeaturesSpec, FhirSiteOptionsInput } from '../connectors/fhir/features-spec.js';
import { readFhirSiteTable } from '../connectors/fhir/read-files.js';
import type { SiteData } from '../site/site-data.js';
import { splitTableSiteData } from './table-split.js';

/**
 * A site whose data are FHIR R4 files (Bundles or bulk-export NDJSON): it extracts its own table
 * with the study's features spec and its own harmonisation (code map, units), then splits it into
 * training and test like a CSV site.
 */
export interface FhirSiteDataConfig {
  readonly kind: 'fhir';
  /** The site's files or folders (absolute). */
  readonly paths: readonly string[];
  readonly features: FhirFeaturesSpec;
  readonly siteOptions: FhirSiteOptionsInput;
  readonly testFraction: number;
  readonly seed: number;
}

export async function createFhirSiteData(c: FhirSiteDataConfig, siteId: string): Promise<SiteData> {
  const table = await readFhirSiteTable(c.paths, c.features, { ...c.siteOptions, siteId });
  return splitTableSiteData(table, { testFraction: c.testFraction, seed: c.seed }, siteId);
}
