import { primaryMetricOf, type TaskKind } from '../../eval/task.js';
import { escapeHtml } from '../escape-html.js';
import { metricCell, metricLabel } from '../format.js';
import type { Results } from '../results-schema.js';

/**
 * Multi-task studies (each site its own assay, study.sites[].task): each site's headline metric
 * (RMSE for regression assays, AUROC for classification) on its own test split, one column per
 * run — pooled, local-only (the site's own model), federated (trunk + the site's private head).
 * Empty for single-task studies.
 */
export function renderPerAssay(results: Results): string {
  const sites = results.study.sites.filter((s) => s.task);
  if (results.study.task !== 'multi-task' || sites.length === 0) return '';
  const runs = results.runs;
  const rows = sites.map((s) => {
    const metric = primaryMetricOf[s.task as TaskKind].name;
    return `<tr><th scope="row">${escapeHtml(s.id)}</th><td>${escapeHtml(s.task!)} · ${escapeHtml(metricLabel(metric))}</td>${runs.map((r) => metricCell(r.perSite[s.id] ?? {}, metric)).join('')}</tr>`;
  });
  return `<section id="assays">
<h2>Per assay</h2>
<p>Each site's own assay on its own (scaffold-split) test set: RMSE for regression (lower is better), AUROC for classification (higher is better).</p>
<table>
<thead><tr><th scope="col">Site</th><th scope="col">Task · metric</th>${runs.map((r) => `<th scope="col">${escapeHtml(r.name)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}
