import type { TabularSchema } from '../connectors/csv/schema.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { StatsReply } from '../core/messages.js';
import type { Normalization } from '../data/table.js';
import { combineSiteStatistics } from '../stats/combine.js';
import { normalizationFromGlobal } from '../stats/standardize.js';
import type { GlobalStatistics } from '../stats/types.js';
import type { SiteConnection } from '../transport/transport.js';

/**
 * Federated statistics for normalisation: every site summarises its training rows (counts,
 * sums, min/max, M2 — no row leaves it; features on fewer than k records are withheld), the
 * coordinator combines them into global means and standard deviations.
 */
export async function federatedNormalization(
  sites: readonly SiteConnection[],
  jobId: string,
  k: number,
  schema: TabularSchema,
): Promise<{ normalization: Normalization; global: GlobalStatistics }> {
  const replies = await Promise.all(
    sites.map(async (s): Promise<StatsReply> => {
      const r = await s.request({ kind: 'stats', jobId, k });
      if (r.kind === 'error') throw MedfedError.fromJSON(r.error);
      if (r.kind !== 'stats') throw new MedfedError(ErrorCodes.SITE_FAILURE, `site ${s.siteId} answered "${r.kind}" to "stats"`);
      return r;
    }),
  );
  const global = combineSiteStatistics(replies);
  return { normalization: normalizationFromGlobal(global, schema), global };
}
