import type { SiteReply, SiteRequest } from '../../src/core/messages.js';
import { selectRows, type Table } from '../../src/data/table.js';
import { tableSiteData } from '../../src/data/table-site-data.js';
import type { SiteConnection } from '../../src/transport/transport.js';

/** In-process sites answering through the real SiteData path (all rows: the "test" table is empty). */
export function connections(tables: readonly Table[], releaseExtremes = false): SiteConnection[] {
  return tables.map((t, i) => {
    const siteId = `site-${i + 1}`;
    const data = tableSiteData(t, selectRows(t, []), { siteId, releaseExtremes });
    return { siteId, request: async (req: SiteRequest): Promise<SiteReply> => (req.kind === 'stats' ? { kind: 'stats', siteId, ...data.statistics(req) } : { kind: 'end-job', siteId }) };
  });
}

