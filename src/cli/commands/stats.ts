import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runFederatedStatistics, DEFAULT_QUANTILES } from '../../coordinator/federated-statistics.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { StatsQuery } from '../../core/messages.js';
import { writeFileAtomic } from '../../node/atomic-write.js';
import { loadStudySpec } from '../../node/load-study-spec.js';
import { toolVersion } from '../../node/tool-version.js';
import { renderStatisticsReport } from '../../report/stats-report.js';
import { prepareStudyData } from '../../simulator/study-data.js';
import { WorkerPool } from '../../simulator/worker-pool.js';
import { buildStatsDocument, type StatsDocument } from '../../stats/stats-document.js';
import { createProgress } from '../progress.js';

interface StatsOptions {
  out: string;
  quiet?: boolean;
  bins: string;
  quantiles?: string;
  k?: string;
  rows: string;
  allowExtremes?: boolean;
  dp?: string;
  epsilon?: string;
  delta?: string;
}

export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description("Federated statistics of a study's data: count, missingness, mean, std, quantiles, histograms and level counts per feature, per site and global")
    .argument('<spec>', "study spec file (YAML); its data block gives the file, schema and sites; see docs/federated-statistics.md")
    .requiredOption('-o, --out <dir>', 'write stats.json and report.html here')
    .option('--bins <n>', 'histogram bins per numeric feature', '20')
    .option('--quantiles <list>', `quantile probabilities, comma-separated (default ${DEFAULT_QUANTILES.join(',')})`)
    .option('--k <n>', 'override federation.k (the smallest group a statistic may describe)')
    .option('--rows <which>', "each site's rows: all, or train (its training split)", 'all')
    .option('--allow-extremes', "the sites' policy releases exact min and max (single-record disclosures; off by default)")
    .option('--dp <mechanism>', 'add differential-privacy noise at the sites: laplace or gaussian')
    .option('--epsilon <e>', 'DP: epsilon per noisy release (query)')
    .option('--delta <d>', 'DP (gaussian): delta per query')
    .option('-q, --quiet', 'no progress output')
    .action(async (specFile: string, opts: StatsOptions) => {
      await runStatsCommand(specFile, opts);
    });
}

function parseNumber(value: string | undefined, flag: string, check: (n: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(value.trim() !== '' && Number.isFinite(n) && check(n))) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${flag} must be ${what}, got "${value}"`, { where: flag });
  }
  return n;
}

function parseDp(opts: StatsOptions): StatsQuery['dp'] {
  if (opts.dp === undefined) {
    if (opts.epsilon !== undefined || opts.delta !== undefined) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, '--epsilon and --delta need --dp', { where: '--dp', hint: 'add --dp laplace or --dp gaussian' });
    }
    return undefined;
  }
  if (opts.dp !== 'laplace' && opts.dp !== 'gaussian') {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `--dp must be laplace or gaussian, got "${opts.dp}"`, { where: '--dp' });
  }
  const epsilonPerQuery = parseNumber(opts.epsilon, '--epsilon', (n) => n > 0, 'a number > 0');
  if (epsilonPerQuery === undefined) throw new MedfedError(ErrorCodes.CONFIG_INVALID, '--dp needs --epsilon (per noisy release)', { where: '--epsilon' });
  const delta = parseNumber(opts.delta, '--delta', (n) => n > 0 && n < 1, 'a number between 0 and 1');
  return { mechanism: opts.dp, epsilonPerQuery, ...(delta !== undefined ? { delta } : {}) };
}

/** `medfed stats`: the study's sites in simulator workers answer a two-round statistics job. */
export async function runStatsCommand(specFile: string, opts: StatsOptions): Promise<StatsDocument> {
  const bins = parseNumber(opts.bins, '--bins', (n) => Number.isInteger(n) && n >= 1 && n <= 10000, 'a whole number from 1 to 10000')!;
  const k = parseNumber(opts.k, '--k', (n) => Number.isInteger(n) && n >= 1, 'a positive whole number');
  const quantiles = opts.quantiles?.split(',').map((q) => parseNumber(q, '--quantiles', (n) => n >= 0 && n <= 1, 'numbers between 0 and 1')!);
  if (opts.rows !== 'all' && opts.rows !== 'train') throw new MedfedError(ErrorCodes.CONFIG_INVALID, `--rows must be all or train, got "${opts.rows}"`, { where: '--rows' });
  const dp = parseDp(opts);
  const loaded = loadStudySpec(specFile);
  const spec = loaded.spec;
  try {
    mkdirSync(opts.out, { recursive: true });
  } catch (e) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot create the output folder: ${(e as Error).message}`, { where: opts.out });
  }
  const progress = createProgress(process.stderr, opts.quiet);
  const started = Date.now();
  progress.log(`medfed ${toolVersion()} · federated statistics of study "${spec.name}" from ${loaded.file}`);
  const data = await prepareStudyData(spec, loaded.baseDir);
  const schema = data.schema;
  if (!schema) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `federated statistics need tabular data with a declared schema; this study's data is "${spec.data.kind}"`, {
      where: `${loaded.file}: data.kind`,
      hint: 'run medfed stats on a study whose data block is kind: csv',
    });
  }
  const releaseExtremes = opts.allowExtremes === true;
  const sites = data.sites.map((s) => ({ siteId: s.siteId, data: s.data.kind === 'csv' ? { ...s.data, releaseExtremes } : s.data }));
  progress.log(`${sites.length} sites (${sites.map((s) => s.siteId).join(', ')}), k = ${k ?? spec.federation.k}${dp ? `, DP ${dp.mechanism} ε = ${dp.epsilonPerQuery} per query` : ''}`);
  const pool = new WorkerPool(sites, { engine: spec.engine });
  let result;
  try {
    progress.start('federated statistics', 2);
    result = await runFederatedStatistics(pool.connections, {
      jobId: `stats-${spec.name}`,
      k: k ?? spec.federation.k,
      schema,
      bins,
      ...(quantiles ? { quantiles } : {}),
      rows: opts.rows,
      dp,
      onRound: (round, _of, label) => progress.tick(round, label),
    });
    progress.done(`${Object.keys(result.global).length} features, ${result.records} records`);
  } finally {
    await pool.close();
  }
  const doc = buildStatsDocument(result, {
    version: toolVersion(),
    study: { name: spec.name, title: spec.title ?? spec.name, dataset: data.dataset },
    schema,
    releaseExtremes,
    excludedSites: data.excluded,
  });
  const statsFile = join(opts.out, 'stats.json');
  const reportFile = join(opts.out, 'report.html');
  try {
    writeFileAtomic(statsFile, `${JSON.stringify(doc, null, 2)}\n`);
    writeFileAtomic(reportFile, renderStatisticsReport(doc));
  } catch (e) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot write the statistics: ${(e as Error).message}`, { where: opts.out, cause: e });
  }
  process.stdout.write(`\n${summaryTable(doc)}\n`);
  if (doc.query.dp) process.stdout.write(`DP: total epsilon ${doc.query.dp.epsilon.toFixed(3)} (${doc.query.dp.mechanism}, ${doc.query.dp.epsilonPerQuery} per query)\n`);
  process.stdout.write(`stats:  ${statsFile}\nreport: ${reportFile}\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return doc;
}

function summaryTable(doc: StatsDocument): string {
  const fmt = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(+v.toPrecision(5)));
  const rows = doc.features.map((f) => {
    const g = f.global;
    const median = g?.quantiles?.find((q) => q.p === 0.5)?.value;
    return [f.name, f.type, fmt(g?.count), g?.missingFraction ? `${(g.missingFraction * 100).toFixed(1)}%` : g ? '0%' : '—', fmt(g?.mean), fmt(g?.std), fmt(median)];
  });
  const head = ['feature', 'type', 'count', 'missing', 'mean', 'std', 'median'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
