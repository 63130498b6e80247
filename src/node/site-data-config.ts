import { readCsvFile } from '../connectors/csv/read-file.js';
import { deriveSeed } from '../core/random.js';
import { stratifiedSplit } from '../data/split.js';
import { selectRows } from '../data/table.js';
import { tableSiteData } from '../data/table-site-data.js';
import type { SiteData } from '../site/site-data.js';
import { createDicomImagesSiteData, type DicomImagesSiteDataConfig } from './dicom-image-site-data.js';

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

export type SiteDataConfig = CsvSiteDataConfig | DicomImagesSiteDataConfig;

export async function createSiteData(c: SiteDataConfig, siteId: string): Promise<SiteData> {
  if (c.kind === 'dicom-images') return createDicomImagesSiteData(c, siteId);
  const table = await readCsvFile(c.file, c.schemaFile);
  const mine = c.rows ? selectRows(table, c.rows) : table;
  const split = stratifiedSplit(mine.label, { testFraction: c.testFraction, seed: deriveSeed(c.seed, 'split', siteId) });
  return tableSiteData(selectRows(mine, split.train), selectRows(mine, split.test), { siteId, siteMinK: c.minK, releaseExtremes: c.releaseExtremes });
}
