import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { asMedfedError, ErrorCodes, MedfedError } from '../core/errors.js';
import { fileLogger } from '../node/file-logger.js';
import type { LoadedStudySpec } from '../node/load-study-spec.js';
import { toolVersion } from '../node/tool-version.js';
import { writeStudyOutput } from '../node/write-study-output.js';
import { buildComparison } from '../report/comparison.js';
import { parseResults, type Results } from '../report/results-schema.js';
import { runStudy } from '../simulator/run-study.js';
import { formatComparisonTable } from './comparison-table.js';
import { primaryMetricOf } from '../eval/task.js';
import type { RankableMetric } from '../report/metrics-schema.js';
import { createProgress } from './progress.js';

/** `medfed demo` and `medfed simulate`: run the study, print the comparison, write the outputs. */
export async function runStudyToDirectory(loaded: LoadedStudySpec, opts: { out: string; quiet?: boolean; rounds?: number }): Promise<Results> {
  if (!opts.out) throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'an output folder is required', { where: '--out' });
  let spec = loaded.spec;
  if (opts.rounds !== undefined) {
    if (!Number.isInteger(opts.rounds) || opts.rounds < 1) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `--rounds must be a positive whole number, got ${opts.rounds}`, { where: '--rounds' });
    }
    spec = { ...spec, federation: { ...spec.federation, rounds: opts.rounds } };
  }
  try {
    mkdirSync(opts.out, { recursive: true });
  } catch (e) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot create the output folder: ${(e as Error).message}`, { where: opts.out });
  }
  const progress = createProgress(process.stderr, opts.quiet);
  progress.log(`medfed ${toolVersion()} · study "${spec.name}" from ${loaded.file}`);
  const started = Date.now();
  const log = fileLogger(join(opts.out, 'medfed.log'), { study: spec.name });
  let study;
  try {
    study = await runStudy(spec, loaded.baseDir, progress, log);
  } catch (e) {
    log.error({ error: asMedfedError(e).toJSON() }, 'study failed');
    throw e;
  } finally {
    log.flush();
  }
  const runs = study.runs.map(({ weights: _w, strategyOptions: _o, training: _t, ...r }) => r);
  const results = parseResults({
    schemaVersion: 1,
    tool: { name: 'medfed', version: toolVersion() },
    createdAt: new Date().toISOString(),
    study: {
      name: spec.name,
      title: spec.title ?? spec.name,
      description: spec.description ?? '',
      dataset: study.data.dataset,
      task: study.data.task,
      primaryMetric: primaryMetricOf[study.data.task].name as RankableMetric,
      seed: spec.seed,
      rounds: spec.federation.rounds,
      localEpochs: spec.training.epochs,
      sites: study.data.siteSummaries,
      engine: study.engine,
      ...(study.majorityBaseline ? { majorityBaseline: study.majorityBaseline } : {}),
    },
    runs,
    comparison: buildComparison(runs as Parameters<typeof buildComparison>[0], study.data.task),
    ...(study.crossSite ? { crossSite: study.crossSite } : {}),
    ...(study.survivalCurves ? { survivalCurves: study.survivalCurves } : {}),
  });
  const files = writeStudyOutput(opts.out, results, study.runs);
  process.stdout.write(`\n${formatComparisonTable(results)}\n`);
  process.stdout.write(`results: ${files.results}\nreport:  ${files.report}\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return results;
}
