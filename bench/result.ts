import { writeFileSync } from 'node:fs';

/** One figure of bench/results.json. */
export interface BenchEntry {
  readonly id: string;
  readonly value: number;
  readonly unit: string;
  /** The same figure measured on the reference (e.g. PyTorch CPU). */
  readonly baseline?: number;
  /** value / baseline (higher is better for throughput). */
  readonly ratio?: number;
  readonly repeats: number;
  readonly note?: string;
}

/** A benchmark: one file each under bench/, listed in bench/run.ts. */
export interface Benchmark {
  readonly id: string;
  run(): Promise<BenchEntry[]>;
}

const fmt = (v: number | undefined, digits = 0) =>
  v === undefined ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printTable(entries: readonly BenchEntry[]): void {
  const rows = entries.map((e) => [e.id, `${fmt(e.value, Math.abs(e.value) < 10 ? 3 : 0)} ${e.unit}`, fmt(e.baseline, e.baseline !== undefined && Math.abs(e.baseline) < 10 ? 3 : 0), fmt(e.ratio, 2), String(e.repeats), e.note ?? '']);
  const head = ['benchmark', 'medfed', 'baseline', 'ratio', 'repeats', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r) => console.log(line(r)));
}

export function writeResults(path: string, entries: readonly BenchEntry[]): void {
  writeFileSync(path, JSON.stringify(entries, null, 2) + '\n');
}
