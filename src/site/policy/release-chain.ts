import { applyFilters } from '../../privacy/filters/chain.js';
import { parseFilterChain } from '../../privacy/filters/registry.js';
import type { FilterSpec } from '../../privacy/filters/spec.js';
import type { FilterContext, FilterInput, FilterRecord, UpdateFilter } from '../../privacy/filters/types.js';
import type { SitePolicyFile } from './site-policy.js';

/** Who put a filter in the chain: the job's spec (optional extras) or the site's policy (mandatory). */
export type FilterOrigin = 'job' | 'site';

export interface ReleaseFilter {
  readonly by: FilterOrigin;
  readonly filter: UpdateFilter;
}

/** A filter record with its origin, as the `update_released` audit entry lists it. */
export interface AppliedFilterRecord extends FilterRecord {
  readonly by: FilterOrigin;
}

/**
 * The chain an update passes before it leaves the site: the job's extra filters (spec
 * `filters`, in its order) first, then the site policy's mandatory filters (in the policy's
 * order) last. The site's filters run last so that their guarantees hold for exactly what is
 * sent: a job filter after them could undo one (8-bit quantisation after top-k turns the zeroed
 * values back into small non-zero ones; after norm-clip it can push the norm past maxNorm). A job
 * cannot remove a site filter: the chain always ends with all of them.
 */
export function releaseChain(policy: Pick<SitePolicyFile, 'filters'>, jobFilters: readonly FilterSpec[] | undefined): ReleaseFilter[] {
  return [
    ...parseFilterChain(jobFilters ?? [], 'job spec filters').map((filter) => ({ by: 'job' as const, filter })),
    ...parseFilterChain(policy.filters, 'site policy filters').map((filter) => ({ by: 'site' as const, filter })),
  ];
}

/** Run the chain in order; one record per filter, tagged with its origin. */
export function applyReleaseChain(chain: readonly ReleaseFilter[], update: FilterInput, ctx: FilterContext = {}): { update: FilterInput; records: AppliedFilterRecord[] } {
  const { update: filtered, records } = applyFilters(chain.map((f) => f.filter), update, ctx);
  return { update: filtered, records: records.map((r, i) => ({ ...r, by: chain[i].by })) };
}
