import { comparisonMetricsOf } from '../eval/task.js';
import type { Results } from '../report/results-schema.js';

/** The pooled vs local-only vs federated table as Markdown (terminal and README). */
export function formatComparisonTable(results: Results): string {
  const COLUMNS = comparisonMetricsOf[results.study.task];
  const head = `| model | run | ${COLUMNS.join(' | ')} | final weights sha256 |`;
  const rule = `|${' --- |'.repeat(COLUMNS.length + 3)}`;
  const hashes = new Map(results.runs.map((r) => [r.name, r.finalWeightsSha256]));
  const rows = results.comparison.map((row) => {
    const cells = COLUMNS.map((c) => {
      const v = (row as Record<string, unknown>)[c];
      return typeof v === 'number' ? v.toFixed(3) : 'n/a';
    });
    return `| ${row.model} | ${row.run.split('/')[0]} | ${cells.join(' | ')} | ${hashes.get(row.run)?.slice(0, 16)}… |`;
  });
  const m = results.study.majorityBaseline;
  const floor = m ? [`| — | majority class (${m.label}) | ${COLUMNS.map((c) => (c === 'accuracy' ? m.accuracy.toFixed(3) : c === 'auroc' ? '0.500' : '')).join(' | ')} | — |`] : [];
  return [head, rule, ...rows, ...floor].join('\n');
}
