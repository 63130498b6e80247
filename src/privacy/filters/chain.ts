import type { FilterContext, FilterInput, FilterRecord, UpdateFilter } from './types.js';

/**
 * Run `chain` in order on what a site is about to send: each filter gets the previous one's
 * weights (and the same global model). Returns the filtered update and one record per filter,
 * in the order they ran, for the update's metadata and the audit trail. An empty chain returns
 * the update as it was.
 */
export function applyFilters(chain: readonly UpdateFilter[], update: FilterInput, ctx: FilterContext = {}): { update: FilterInput; records: FilterRecord[] } {
  let current = update;
  const records: FilterRecord[] = [];
  for (const filter of chain) {
    const { weights, record } = filter.apply(current, ctx);
    current = { ...current, weights };
    records.push(record);
  }
  return { update: current, records };
}
