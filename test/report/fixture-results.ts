import { Rng } from '../../src/core/random.js';
import { evaluatePredictions } from '../../src/eval/evaluate.js';
import { buildComparison } from '../../src/report/comparison.js';
import { meanOfMetrics } from '../../src/report/mean-metrics.js';
import type { MetricsRecord } from '../../src/report/metrics-schema.js';
import type { Results, RunResult, SiteSummary } from '../../src/report/results-schema.js';

/**
 * A realistic results object: four heart-disease sites, two models, pooled / local-only /
 * three federated strategies. Metrics are computed by evaluatePredictions on synthetic
 * predictions whose quality grows with the round, so every number is internally consistent.
 */
export const fixtureSites: SiteSummary[] = [
  { id: 'cleveland', trainExamples: 227, testExamples: 76, positives: 139 },
  { id: 'hungary', trainExamples: 220, testExamples: 74, positives: 106 },
  { id: 'switzerland', trainExamples: 92, testExamples: 31, positives: 115 },
  { id: 'va-long-beach', trainExamples: 150, testExamples: 50, positives: 149 },
];

function fakeSha(rng: Rng): string {
  return Array.from({ length: 64 }, () => '0123456789abcdef'[rng.int(16)]).join('');
}

/** Metrics of synthetic predictions on `n` examples with prevalence `p` and separation `strength`. */
function synthMetrics(rng: Rng, n: number, p: number, strength: number, bias = 0): MetricsRecord {
  const y = new Float32Array(n);
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.uniform() < p ? 1 : 0;
    s[i] = 1 / (1 + Math.exp(-(strength * (y[i] - 0.5) + bias + rng.normal())));
  }
  return evaluatePredictions(s, y, 1);
}

const prevalence = (site: SiteSummary) => (site.positives ?? 0) / (site.trainExamples + site.testExamples);

function run(rng: Rng, name: string, kind: RunResult['kind'], model: string, strength: number, rounds: number, strategy?: string): RunResult {
  const perSite = Object.fromEntries(
    fixtureSites.map((site) => [site.id, synthMetrics(rng, site.testExamples, prevalence(site), strength * (0.8 + 0.4 * rng.uniform()))]),
  );
  const history =
    kind === 'federated'
      ? Array.from({ length: rounds }, (_, r) => ({
          round: r + 1,
          metrics: synthMetrics(rng, 231, 0.55, strength * (1 - Math.exp(-(r + 1) / 3))),
          trainLoss: 0.7 * Math.exp(-(r + 1) / 6) + 0.35,
        }))
      : [];
  const localModels =
    kind === 'local-only'
      ? fixtureSites.map((site) => ({ siteId: site.id, metrics: synthMetrics(rng, 231, 0.55, strength * (0.6 + 0.5 * rng.uniform())), finalWeightsSha256: fakeSha(rng) }))
      : undefined;
  const metrics = localModels ? meanOfMetrics(localModels.map((m) => m.metrics)) : synthMetrics(rng, 231, 0.55, strength);
  return { name, kind, ...(strategy ? { strategy } : {}), model, metrics, perSite, history, finalWeightsSha256: fakeSha(rng), durationSeconds: 3 + rng.uniform() * 20, ...(localModels ? { localModels } : {}) };
}

export function fixtureResults(options: { siteName?: string } = {}): Results {
  const rng = new Rng(2024);
  const rounds = 12;
  const sites = options.siteName ? fixtureSites.map((s, i) => (i === 1 ? { ...s, id: options.siteName as string } : s)) : fixtureSites;
  const runs: RunResult[] = [];
  for (const [model, k] of [['mlp', 1], ['logreg', 0.85]] as const) {
    runs.push(run(rng, `pooled/${model}`, 'pooled', model, 3.2 * k, rounds));
    runs.push(run(rng, `local-only/${model}`, 'local-only', model, 2.0 * k, rounds));
    runs.push(run(rng, `fedavg/${model}`, 'federated', model, 3.0 * k, rounds, 'fedavg'));
    runs.push(run(rng, `fedprox/${model}`, 'federated', model, 3.05 * k, rounds, 'fedprox'));
    if (model === 'mlp') runs.push(run(rng, `scaffold/${model}`, 'federated', model, 2.8 * k, rounds, 'scaffold'));
  }
  if (options.siteName) {
    for (const r of runs) {
      const perSite = { ...r.perSite };
      perSite[options.siteName] = perSite.hungary;
      delete perSite.hungary;
      (r as { perSite: typeof perSite }).perSite = perSite;
      r.localModels?.forEach((m) => {
        if (m.siteId === 'hungary') (m as { siteId: string }).siteId = options.siteName as string;
      });
    }
  }
  return {
    schemaVersion: 1,
    tool: { name: 'medfed', version: '0.1.0' },
    createdAt: '2025-03-01T09:30:00.000Z',
    study: {
      name: 'heart-disease-4-sites',
      title: 'Heart disease across four hospitals',
      description: 'Predict angiographic coronary artery disease (>50% narrowing) from 13 clinical features; each hospital keeps its patients.',
      dataset: {
        name: 'UCI Heart Disease (processed)',
        source: 'Janosi, Steinbrunn, Pfisterer & Detrano (1988), UCI Machine Learning Repository, doi:10.24432/C52P4X',
        licence: 'CC BY 4.0',
        rows: 920,
      },
      task: 'binary',
      primaryMetric: 'auroc',
      seed: 42,
      rounds,
      localEpochs: 2,
      sites,
      engine: 'tfjs-wasm',
    },
    runs,
    comparison: buildComparison(runs),
  };
}
