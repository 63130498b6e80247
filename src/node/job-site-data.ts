import { readCsvFile } from '../connectors/csv/read-file.js';
import { deriveSeed } from '../core/random.js';
import { stratifiedSplit } from '../data/split.js';
import { selectRows } from '../data/table.js';
import { tableSiteData } from '../data/table-site-data.js';
import type { SiteData } from '../site/site-data.js';
import type { AdmittedJob } from '../site/site-jobs.js';

/** A site's local file for a data set name (site configuration). `rows`: keep only these data rows (tests, demos). */
export interface LocalDataset {
  readonly file: string;
  readonly rows?: readonly number[];
  /** The site's own k floor for statistics. */
  readonly minK?: number;
}

/**
 * A site's data for a job: its own CSV file for the job's data set, checked against the job's
 * schema, split into train/test with the job's test fraction and a seed derived from the job
 * seed and the site id (the same split the simulator makes for the same rows).
 */
export async function jobSiteData(job: AdmittedJob, siteId: string, local: LocalDataset): Promise<SiteData> {
  const table = await readCsvFile(local.file, job.spec.schema);
  const mine = local.rows ? selectRows(table, local.rows) : table;
  const split = stratifiedSplit(mine.label, { testFraction: job.spec.testFraction, seed: deriveSeed(job.spec.seed, 'split', siteId) });
  return tableSiteData(selectRows(mine, split.train), selectRows(mine, split.test), { siteId, siteMinK: local.minK });
}
