import { escapeHtml } from '../escape-html.js';
import { metricLabel } from '../format.js';
import type { CrossSiteMatrixResult, Results } from '../results-schema.js';
import { renderHeatmap } from '../svg/heatmap.js';

const CHART_WIDTH = 960;

/** Mean of a row's defined values off its own site (local models: how well they transfer). */
function transfer(m: CrossSiteMatrixResult, r: CrossSiteMatrixResult['rows'][number]): number | null {
  const off = r.values.filter((v, c): v is number => v !== null && m.sites[c] !== r.siteId);
  return off.length > 0 ? off.reduce((a, b) => a + b, 0) / off.length : null;
}

function renderMatrix(m: CrossSiteMatrixResult): string {
  const label = metricLabel(m.metric);
  const svg = renderHeatmap({
    title: `Cross-site ${label} — model ${m.model}`,
    rowTitle: 'Evaluated model',
    columnTitle: 'Test split of site',
    rowLabels: m.rows.map((r) => r.label),
    columnLabels: m.sites,
    values: m.rows.map((r) => r.values),
    valueLabel: label,
    lowerIsBetter: !m.higherIsBetter,
    highlight: (row, col) => m.rows[row].siteId === m.sites[col],
    width: CHART_WIDTH,
  });
  const rows = m.rows
    .map((r) => {
      const t = transfer(m, r);
      const own = r.siteId ? r.values[m.sites.indexOf(r.siteId)] : null;
      return `<tr><th scope="row">${escapeHtml(r.label)}</th><td class="num">${own === null || own === undefined ? '—' : own.toFixed(3)}</td><td class="num">${t === null ? '—' : t.toFixed(3)}</td></tr>`;
    })
    .join('');
  const table =
    `<div class="scroll"><table class="cross-site"><caption>${escapeHtml(label)} of each model on its own site and mean over the other sites — model ${escapeHtml(m.model)}</caption>` +
    `<thead><tr><th scope="col">Model</th><th class="num" scope="col">Own site</th><th class="num" scope="col">Other sites (mean)</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return (
    `<figure class="chart-box">${svg}<figcaption>Rows: each site’s local-only model, the best federated run’s global model and the pooled model; columns: each site’s test split. ` +
    `Outlined: a site’s own model on its own split (equal to the local-only per-site value). Brighter is better; “n/a”: undefined on that split.</figcaption></figure>` +
    table
  );
}

/** Cross-site validation: every model on every site's test split, one heatmap per model architecture. */
export function renderCrossSite(results: Results): string {
  const matrices = results.crossSite ?? [];
  if (matrices.length === 0) return '';
  return `<section id="cross-site"><h2>Cross-site validation</h2>${matrices.map(renderMatrix).join('')}</section>`;
}
