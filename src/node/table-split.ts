import { deriveSeed } from '../core/random.js';
import { stratifiedSplit } from '../data/split.js';
import { selectRows, type Table } from '../data/table.js';
import { tableSiteData } from '../data/table-site-data.js';
import type { SiteData } from '../site/site-data.js';

/** A site's table split into training and test (stratified by label, seeded by study seed and site id). */
export function splitTableSiteData(
  table: Table,
  c: { readonly testFraction: number; readonly seed: number; readonly minK?: number; readonly releaseExtremes?: boolean },
  siteId: string,
): SiteData {
  const split = stratifiedSplit(table.label, { testFraction: c.testFraction, seed: deriveSeed(c.seed, 'split', siteId) });
  return tableSiteData(selectRows(table, split.train), selectRows(table, split.test), { siteId, siteMinK: c.minK, releaseExtremes: c.releaseExtremes });
}
