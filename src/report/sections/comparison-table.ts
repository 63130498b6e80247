import { bestFederatedRun, modelsOf } from '../best-run.js';
import { comparisonMetricsOf, type TaskKind } from '../../eval/task.js';
import { buildComparison } from '../comparison.js';
import { escapeHtml } from '../escape-html.js';
import { metricCell, metricLabel } from '../format.js';
import type { Results, RunResult } from '../results-schema.js';


const taskNote: Record<TaskKind, string> = {
  binary: 'Threshold 0.5 for accuracy, sensitivity and specificity; Brier and ECE: lower is better.',
  multiclass: 'Accuracy by the most probable class; AUROC: macro one-vs-rest; Brier and ECE: lower is better.',
  regression: 'RMSE and MAE in the target\'s unit: lower is better.',
  survival: 'C-index: Harrell\'s concordance of the Cox risk scores with the observed times (0.5 = chance).',
  segmentation: 'Dice: mean over the foreground structures, all voxels of the test patches pooled.',
  'multi-task': 'Each site is its own assay with its own loss: the loss is the mean over sites of each site\'s test loss (lower is better); RMSE / AUROC per assay are under "Per assay".',
};

const kindLabels: Record<RunResult['kind'], string> = {
  pooled: 'pooled (centralised baseline)',
  'local-only': 'local-only (mean over sites)',
  federated: 'federated',
};

function runRow(run: RunResult, best: boolean, columns: readonly string[]): string {
  const badge = best ? ' <span class="badge">best federated</span>' : '';
  const kind = run.kind === 'federated' ? `federated · ${escapeHtml(run.strategy ?? '')}` : kindLabels[run.kind];
  return (
    `<tr class="${best ? 'best ' : ''}kind-${run.kind}"><th scope="row">${escapeHtml(run.name)}${badge}</th>` +
    `<td>${kind}</td>${columns.map((c) => metricCell(run.metrics, c)).join('')}</tr>`
  );
}

/** Local-only: each site's own model on the pooled test set, under the mean row. */
function localModelRows(run: RunResult, columns: readonly string[]): string[] {
  return (run.localModels ?? []).map(
    (m) =>
      `<tr class="sub"><th scope="row">${escapeHtml(m.siteId)}'s own model</th><td>local-only · one site</td>` +
      `${columns.map((c) => metricCell(m.metrics, c)).join('')}</tr>`,
  );
}

/** The majority-class floor: what a model that ignores the features scores. */
function majorityNote(results: Results): string {
  const m = results.study.majorityBaseline;
  if (!m) return '';
  return ` Majority-class baseline (always class ${m.label}): accuracy ${m.accuracy.toFixed(3)}, AUROC 0.500.`;
}

/**
 * The comparison table: one block per model, rows in results.comparison order (or baselines then
 * strategies); the best federated run by the primary metric is highlighted. Cells come from each
 * run's final metrics, so undefined values carry their reason as a tooltip.
 */
export function renderComparisonTable(results: Results): string {
  const columns = comparisonMetricsOf[results.study.task];
  const rows = results.comparison.length > 0 ? results.comparison : buildComparison(results.runs, results.study.task);
  const byName = new Map(results.runs.map((r) => [r.name, r]));
  const primary = results.study.primaryMetric;
  const head = `<tr><th scope="col">Run</th><th scope="col">Kind</th>${columns.map((c) => `<th scope="col" class="num">${metricLabel(c)}</th>`).join('')}</tr>`;
  const blocks = modelsOf(results.runs).map((model) => {
    const best = bestFederatedRun(results.runs, model, primary);
    const body = rows
      .filter((row) => row.model === model)
      .flatMap((row) => {
        const run = byName.get(row.run);
        return run ? [runRow(run, run.name === best, columns), ...localModelRows(run, columns)] : [];
      })
      .join('');
    return `<tbody><tr class="model-head"><th colspan="${columns.length + 2}">Model: ${escapeHtml(model)}</th></tr>${body}</tbody>`;
  });
  return `<section id="comparison">
<h2>Comparison on the pooled test set</h2>
<p class="note">Final models evaluated on the union of all sites' test splits. Local-only: the mean over the sites' own models (each listed below it).
${escapeHtml(taskNote[results.study.task])} “—”: undefined on these data (hover for the reason).
Highlighted: the best federated strategy by ${escapeHtml(metricLabel(primary))}.${majorityNote(results)} Small figures under a value: bootstrap 95% interval (1,000 resamples of the pooled test set).</p>
<div class="scroll"><table class="comparison"><thead>${head}</thead>${blocks.join('')}</table></div>
</section>`;
}
