import { levelsOf } from '../../connectors/csv/schema.js';
import type { JobSpec } from '../../core/job-spec.js';
import type { PrepareReply } from '../../core/messages.js';
import type { Weights } from '../../core/tensors.js';
import { weightsSha256 } from '../../core/weights-hash.js';
import { buildComparison } from '../../report/comparison.js';
import { meanOfMetrics } from '../../report/mean-metrics.js';
import { parseResults, type Results, type RunResult, type SiteSummary } from '../../report/results-schema.js';
import type { RoundRow } from './store.js';

/**
 * results.json of a finished job, in the study results schema (docs/results.md): one federated
 * run. The coordinator holds no data, so there is no pooled test set: a round's (and the final)
 * metrics are the mean over the sites' own test splits; `perSite` holds each site's.
 */
export function jobResults(o: {
  jobId: string;
  spec: JobSpec;
  version: string;
  rounds: readonly RoundRow[];
  prepared: ReadonlyMap<string, PrepareReply>;
  final: Weights;
  durationSeconds: number;
}): Results {
  const sites: SiteSummary[] = [...o.prepared.values()]
    .sort((a, b) => (a.siteId < b.siteId ? -1 : 1))
    .map((p) => ({ id: p.siteId, trainExamples: p.trainExamples, testExamples: p.testExamples }));
  const known = new Set(sites.map((s) => s.id));
  const mean = (m: Readonly<Record<string, Record<string, number | null>>>) =>
    meanOfMetrics(Object.entries(m).filter(([id]) => known.has(id)).map(([, v]) => v));
  const last = o.rounds[o.rounds.length - 1];
  const perSite = Object.fromEntries(Object.entries(last?.metrics.siteMetrics ?? {}).filter(([id]) => known.has(id)));
  const label = o.spec.schema.columns.find((c) => c.name === o.spec.schema.label);
  const classes = label ? levelsOf(label).length : 2;
  const run: RunResult = {
    name: `${o.spec.strategy.name}/${o.spec.model.name}`,
    kind: 'federated',
    strategy: o.spec.strategy.name,
    model: o.spec.model.name,
    metrics: last ? mean(last.metrics.siteMetrics) : {},
    perSite,
    history: o.rounds.map((r) => ({ round: r.round, metrics: mean(r.metrics.siteMetrics), trainLoss: r.metrics.trainLoss })),
    finalWeightsSha256: weightsSha256(o.final),
    durationSeconds: o.durationSeconds,
  };
  return parseResults(
    {
      schemaVersion: 1,
      tool: { name: 'medfed', version: o.version },
      createdAt: new Date().toISOString(),
      study: {
        name: o.spec.name,
        title: o.spec.title ?? o.spec.name,
        description: o.spec.description ?? `Deployment job ${o.jobId}: ${o.spec.strategy.name} on data set "${o.spec.dataset}" at ${sites.length} sites.`,
        dataset: {
          name: o.spec.dataset,
          source: 'each site\'s own local file (site configuration)',
          licence: 'held by each site',
          rows: sites.reduce((a, s) => a + s.trainExamples + s.testExamples, 0),
        },
        task: classes === 2 ? 'binary' : 'multiclass',
        primaryMetric: 'auroc',
        seed: o.spec.seed,
        rounds: o.spec.federation.rounds,
        localEpochs: { ...o.spec.training, ...o.spec.strategy.training }.epochs,
        sites,
        engine: 'chosen by each site',
      },
      runs: [run],
      comparison: buildComparison([run]),
    },
    `job ${o.jobId} results`,
  );
}
