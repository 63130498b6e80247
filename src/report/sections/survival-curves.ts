import { escapeHtml } from '../escape-html.js';
import type { Results } from '../results-schema.js';
import { renderLineChart, type LineSeries } from '../svg/line-chart.js';

/** Kaplan-Meier curves: each site's and the combined one (from the sites' counts only). */
export function renderSurvivalCurves(results: Results): string {
  const km = results.survivalCurves;
  if (!km) return '';
  const step = (times: readonly number[], survival: readonly number[]) => [{ x: 0, y: 1 }, ...times.map((t, i) => ({ x: t, y: survival[i] }))];
  const siteIds = Object.keys(km.sites);
  const series: LineSeries[] = [
    ...siteIds.map((id, i) => ({ label: id, points: step(km.sites[id].times, km.sites[id].survival), styleIndex: i + 1 })),
    { label: `combined (${km.combined.sites.length} sites)`, points: step(km.combined.times, km.combined.survival), styleIndex: 0 },
  ];
  const svg = renderLineChart({
    title: 'Kaplan-Meier survival per site and combined',
    xLabel: 'Time',
    yLabel: 'Survival probability',
    series,
    yDomain: [0, 1],
    width: 960,
  });
  const withheld = Object.entries(km.withheld);
  const note = withheld.length
    ? `<p class="note">Sites without released counts (fewer than k rows or events): ${withheld.map(([id, why]) => `${escapeHtml(id)} (${escapeHtml(why)})`).join('; ')}.</p>`
    : '';
  return `<section id="survival">
<h2>Survival curves</h2>
<p class="note">Each site counts its events and censored patients per interval of a shared grid of ${km.grid.length} time points; only these counts leave the site, and their combination equals the estimate from the pooled rows' counts on that grid (the Kaplan-Meier curve at the grid's resolution).</p>
<figure class="chart-box">${svg}<figcaption>Kaplan-Meier estimates on the shared grid (all rows of each site, training and test).</figcaption></figure>
${note}
</section>`;
}
