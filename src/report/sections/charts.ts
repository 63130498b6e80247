import { modelsOf } from '../best-run.js';
import { escapeHtml } from '../escape-html.js';
import { metricCell, metricLabel } from '../format.js';
import type { MetricsRecord } from '../metrics-schema.js';
import type { Results, RunResult } from '../results-schema.js';
import { renderBarChart } from '../svg/bar-chart.js';
import { renderReliabilityDiagram } from '../svg/reliability.js';
import { renderLineChart, type LineSeries, type ReferenceLine } from '../svg/line-chart.js';

const CHART_WIDTH = 960;
const probabilityMetrics = new Set(['auroc', 'auprc', 'accuracy', 'balancedAccuracy', 'sensitivity', 'specificity', 'f1', 'brier', 'ece', 'cIndex', 'dice', 'voxelAccuracy']);

function figure(svg: string, caption: string): string {
  return `<figure class="chart-box">${svg}<figcaption>${caption}</figcaption></figure>`;
}

function valueOf(metrics: Record<string, unknown> | undefined, name: string): number | null {
  const v = metrics?.[name];
  return typeof v === 'number' ? v : null;
}

/** Primary metric per round for each federated run, with pooled and local-only as reference lines. */
export function renderRoundCharts(results: Results): string {
  const metric = results.study.primaryMetric;
  const label = metricLabel(metric);
  const figures = modelsOf(results.runs).flatMap((model) => {
    const runs = results.runs.filter((r) => r.model === model);
    const series: LineSeries[] = runs
      .filter((r) => r.kind === 'federated')
      .map((r) => ({
        label: r.strategy ?? r.name,
        styleIndex: runs.indexOf(r),
        points: r.history.flatMap((h) => {
          const v = valueOf(h.metrics, metric);
          return v === null ? [] : [{ x: h.round, y: v }];
        }),
      }))
      .filter((s) => s.points.length > 0);
    if (series.length === 0) return [];
    const references: ReferenceLine[] = runs.flatMap((r) => {
      const v = r.kind === 'federated' ? null : valueOf(r.metrics, metric);
      return v === null ? [] : [{ label: r.kind === 'pooled' ? 'pooled (centralised)' : 'local-only (mean of sites)', y: v }];
    });
    const svg = renderLineChart({
      title: `${label} per round — model ${model}`,
      xLabel: 'Round',
      yLabel: `${label} (pooled test set)`,
      series,
      references,
      integerX: true,
      yClamp: probabilityMetrics.has(metric) ? [0, 1] : undefined,
      width: CHART_WIDTH,
    });
    return [figure(svg, `Global model after each round on the pooled test set. Dashed lines: final baselines.`)];
  });
  if (figures.length === 0) return '';
  return `<section id="rounds"><h2>Learning curves</h2>${figures.join('')}</section>`;
}

/** The primary metric on each site's test split, one bar per run. */
export function renderSiteCharts(results: Results): string {
  const metric = results.study.primaryMetric;
  const label = metricLabel(metric);
  const sites = results.study.sites.map((s) => s.id);
  const figures = modelsOf(results.runs).map((model) => {
    const runs = results.runs.filter((r) => r.model === model);
    const groups = sites.map((id) => ({
      label: id,
      values: runs.map((r: RunResult) => valueOf(r.perSite[id], metric)),
      intervals: runs.map((r: RunResult) => intervalOf(r.perSite[id], metric)),
    }));
    const hasIntervals = groups.some((g) => g.intervals.some((i) => i !== null));
    const values = groups.flatMap((g) => [...g.values, ...g.intervals.map((i) => i?.lower ?? null)].filter((v): v is number => v !== null));
    const fromChance = (metric === 'auroc' || metric === 'cIndex') && values.length > 0 && Math.min(...values) >= 0.5;
    const svg = renderBarChart({
      title: `${label} per site — model ${model}`,
      xLabel: 'Site (own test split)',
      yLabel: label,
      seriesLabels: runs.map((r) => r.name),
      styleIndices: runs.map((_, i) => i),
      groups,
      yDomain: fromChance ? [0.5, 1] : undefined,
      yClamp: probabilityMetrics.has(metric) ? [0, 1] : undefined,
      width: CHART_WIDTH,
    });
    const note = fromChance ? ' The axis starts at 0.5 (chance level).' : '';
    const ciNote = hasIntervals ? ' Whiskers: bootstrap 95% intervals (1,000 resamples of the site’s test split, stratified by class).' : '';
    return (
      figure(svg, `Final models on each site's test split; local-only: each site's own model.${note}${ciNote} “n/a”: undefined at that site.`) +
      (hasIntervals ? renderSiteTable(results, model, runs, metric) : '')
    );
  });
  return `<section id="sites"><h2>Per-site performance</h2>${figures.join('')}</section>`;
}

function intervalOf(metrics: MetricsRecord | undefined, name: string): { lower: number; upper: number } | null {
  const i = metrics?.intervals?.[name];
  return i && i.lower !== null && i.upper !== null ? { lower: i.lower, upper: i.upper } : null;
}

/** The per-site metric with its interval, sites × runs (undefined: an em dash whose tooltip gives the reason). */
function renderSiteTable(results: Results, model: string, runs: readonly RunResult[], metric: string): string {
  const head = runs.map((r) => `<th class="num" scope="col">${escapeHtml(r.name)}</th>`).join('');
  const rows = results.study.sites
    .map((s) => `<tr><th scope="row">${escapeHtml(s.id)}</th><td class="num">${s.testExamples}</td>${runs.map((r) => metricCell(r.perSite[s.id], metric)).join('')}</tr>`)
    .join('');
  return (
    `<div class="scroll"><table class="per-site"><caption>${escapeHtml(metricLabel(metric))} per site with bootstrap 95% intervals — model ${escapeHtml(model)}` +
    `</caption><thead><tr><th scope="col">Site</th><th class="num" scope="col">Test n</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`
  );
}

/** Calibration curves (mean predicted vs observed per bin) of the runs that recorded them. */
export function renderCalibrationCharts(results: Results): string {
  const figures = modelsOf(results.runs).flatMap((model) => {
    const runs = results.runs.filter((r) => r.model === model);
    const series: LineSeries[] = runs
      .filter((r) => (r.metrics.calibration?.length ?? 0) > 0)
      .map((r) => ({
        label: r.name,
        styleIndex: runs.indexOf(r),
        points: (r.metrics.calibration ?? []).map((p) => ({ x: p.meanPredicted, y: p.observed })),
      }));
    if (series.length === 0) return [];
    const svg = renderLineChart({
      title: `Calibration — model ${model}`,
      xLabel: 'Mean predicted probability',
      yLabel: 'Observed frequency',
      series,
      xDomain: [0, 1],
      yDomain: [0, 1],
      diagonal: 'perfectly calibrated',
      width: CHART_WIDTH,
      height: 420,
    });
    const diagrams = runs
      .filter((r) => (r.metrics.calibration?.length ?? 0) > 0)
      .map((r) => {
        const ece = valueOf(r.metrics, 'ece');
        const n = r.metrics.calibration!.reduce((sum, p) => sum + p.count, 0);
        const svg = renderReliabilityDiagram({
          title: r.name,
          points: r.metrics.calibration!,
          styleIndex: runs.indexOf(r),
          subtitle: `${ece === null ? '' : `ECE ${ece.toFixed(3)} · `}n ${n}`,
        });
        return `<figure class="chart-box">${svg}</figure>`;
      });
    return [
      figure(svg, 'Equal-width probability bins on the pooled test set; points on the diagonal are perfectly calibrated.'),
      `<h3>Reliability diagrams — model ${escapeHtml(model)}</h3><div class="small-multiples">${diagrams.join('')}</div>` +
        `<p class="note">One diagram per run on the pooled test set: each bin’s mean predicted probability against the observed frequency; circle area and label: examples in the bin. Dashed: perfectly calibrated.</p>`,
    ];
  });
  if (figures.length === 0) return '';
  return `<section id="calibration"><h2>Calibration</h2>${figures.join('')}</section>`;
}
