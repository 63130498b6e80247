import type { MetricsRecord } from './metrics-schema.js';

const notAveraged = new Set(['n', 'numClasses', 'threshold']);

/**
 * The mean over several metrics records (the local-only baseline: one record per site model) of
 * every scalar metric; a site where a metric is null is left out of that metric's mean, and a
 * metric null everywhere stays null with the reason "undefined for every site".
 */
export function meanOfMetrics(records: readonly MetricsRecord[]): MetricsRecord {
  const sums = new Map<string, { sum: number; count: number }>();
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      if (notAveraged.has(name) || !(typeof value === 'number' || value === null)) continue;
      const acc = sums.get(name) ?? { sum: 0, count: 0 };
      if (typeof value === 'number') {
        acc.sum += value;
        acc.count++;
      }
      sums.set(name, acc);
    }
  }
  const out: Record<string, number | null> = {};
  const undefinedReasons: Record<string, string> = {};
  for (const [name, { sum, count }] of sums) {
    out[name] = count === 0 ? null : sum / count;
    if (count === 0) undefinedReasons[name] = 'undefined for every site';
  }
  const task = records.find((r) => r.task)?.task;
  return { ...(task ? { task } : {}), ...out, undefinedReasons };
}
