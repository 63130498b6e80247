import type { FeatureStatistics } from '../stats/job-combine.js';
import type { StatsDocument } from '../stats/stats-document.js';
import { escapeHtml } from './escape-html.js';
import { formatInt, formatPercent } from './format.js';
import { reportCss } from './style.js';
import { renderHistogram } from './svg/histogram.js';

const num = (v: number | null | undefined, digits = 2): string => {
  if (v === null || v === undefined || !Number.isFinite(v)) return '<td class="num na">—</td>';
  const abs = Math.abs(v);
  const text = abs !== 0 && (abs >= 1e6 || abs < 1e-3) ? v.toExponential(2) : Number.isInteger(v) ? formatInt(v) : v.toFixed(digits);
  return `<td class="num">${text}</td>`;
};

function quantileCell(f: FeatureStatistics, p: number): string {
  const q = f.quantiles?.find((x) => x.p === p);
  if (!q || q.value === null) return '<td class="num na" title="beyond the histogram grid or not computed">—</td>';
  const lo = q.lower === null ? '−∞' : String(+q.lower.toPrecision(6));
  const hi = q.upper === null ? '+∞' : String(+q.upper.toPrecision(6));
  return `<td class="num">${+q.value.toPrecision(5)}<span class="ci">[${lo}, ${hi}]</span></td>`;
}

function levelsText(f: FeatureStatistics): string {
  if (!f.levels) return '';
  return f.levels.map((l) => `${escapeHtml(l.level)}: ${l.count === null ? 'suppressed' : `${l.complete ? '' : '≥'}${formatInt(Math.round(l.count))}`}`).join(' · ');
}

function row(label: string, f: FeatureStatistics | { withheld: string } | null, quantiles: readonly number[], cls = ''): string {
  const head = `<th scope="row">${escapeHtml(label)}</th>`;
  const span = 7 + quantiles.length;
  if (f === null) return `<tr class="${cls}">${head}<td colspan="${span}" class="na">no site released this feature</td></tr>`;
  if ('withheld' in f) return `<tr class="${cls}">${head}<td colspan="${span}" class="na" title="${escapeHtml(f.withheld)}">suppressed (${escapeHtml(f.withheld.split(':')[0])})</td></tr>`;
  const missing = f.missingFraction === null ? '<td class="num na">—</td>' : `<td class="num">${formatInt(Math.round(f.missing ?? 0))} (${formatPercent(f.missingFraction)})</td>`;
  return (
    `<tr class="${cls}">${head}${num(f.count, 1)}${missing}${num(f.mean, 3)}${num(f.std, 3)}${num(f.min)}${num(f.max)}` +
    quantiles.map((p) => quantileCell(f, p)).join('') +
    `<td>${levelsText(f)}</td></tr>`
  );
}

function featureSection(doc: StatsDocument, feature: StatsDocument['features'][number]): string {
  const q = doc.query.quantiles;
  const unit = feature.unit ? ` <span class="note">(${escapeHtml(feature.unit)})</span>` : '';
  const head =
    `<thead><tr><th></th><th class="num">count</th><th class="num">missing</th><th class="num">mean</th><th class="num">std</th><th class="num">min</th><th class="num">max</th>` +
    q.map((p) => `<th class="num">q${+(p * 100).toFixed(2)}</th>`).join('') +
    `<th>levels</th></tr></thead>`;
  const rows = [row('global', feature.global, q, 'model-head'), ...doc.sites.map((s) => row(s.id, feature.sites[s.id] ?? null, q, 'sub'))];
  let chart = '';
  const g = feature.global;
  const grid = doc.grid[feature.name];
  if (g?.histogram && grid) {
    const steps = doc.sites
      .map((s) => ({ id: s.id, f: feature.sites[s.id] }))
      .filter((s): s is { id: string; f: FeatureStatistics } => s.f !== undefined && !('withheld' in s.f) && s.f.histogram !== undefined)
      .map((s) => ({ label: s.id, counts: s.f.histogram!.counts }));
    const marks = (g.quantiles ?? []).filter((x) => x.value !== null && [0.25, 0.5, 0.75].includes(x.p)).map((x) => ({ label: `q${x.p * 100}`, value: x.value! }));
    const outside = g.histogram.below + g.histogram.above;
    chart =
      `<figure class="chart-box">${renderHistogram({ title: `${feature.name}: histogram`, xLabel: feature.unit ? `${feature.name} (${feature.unit})` : feature.name, edges: grid.edges, bars: { label: 'all sites', counts: g.histogram.counts }, steps, marks })}` +
      `<figcaption>${grid.edges.length - 1} bins from ${escapeHtml(grid.source)} range [${grid.edges[0]}, ${grid.edges[grid.edges.length - 1]}]` +
      `${g.histogram.exact ? '' : '; bins with 1 to k − 1 records were merged at the sites and are shown spread evenly'}` +
      `${outside > 0 ? `; ${formatInt(Math.round(g.histogram.below))} below and ${formatInt(Math.round(g.histogram.above))} above the grid` : ''}. Dashed lines: quartiles.</figcaption></figure>`;
  }
  return `<section id="f-${escapeHtml(feature.name)}"><h2>${escapeHtml(feature.name)}${unit} <span class="note">${escapeHtml(feature.type)}</span></h2>
<div class="scroll"><table>${head}<tbody>${rows.join('')}</tbody></table></div>
${chart}</section>`;
}

/** The statistics report: one self-contained HTML page (inline CSS and SVG, nothing loaded). */
export function renderStatisticsReport(doc: StatsDocument): string {
  const s = doc.study;
  const dp = doc.query.dp;
  const privacy = dp
    ? `<p>Differential privacy: ${escapeHtml(dp.mechanism)} noise, ε = ${dp.epsilonPerQuery} per query${dp.delta !== undefined ? `, δ = ${dp.delta}` : ''}; ` +
      `total ε = <strong>${dp.epsilon.toFixed(3)}</strong> (${escapeHtml(dp.accounting)}).</p>`
    : '<p>No differential privacy: exact statistics, protected by the k-threshold only.</p>';
  const siteRows = doc.sites
    .map((x) => {
      const withheld = Object.keys(x.withheld);
      return `<tr><th scope="row">${escapeHtml(x.id)}</th><td class="num">${formatInt(x.records)}</td><td>${withheld.length ? escapeHtml(withheld.join(', ')) : '—'}</td>${dp ? `<td class="num">${x.noise?.queries ?? 0}</td><td class="num">${(x.noise?.epsilon ?? 0).toFixed(3)}</td>` : ''}</tr>`;
    })
    .join('');
  const excluded = Object.entries(doc.excludedSites);
  const nav = doc.features.map((f) => `<a href="#f-${escapeHtml(f.name)}">${escapeHtml(f.name)}</a>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(`${doc.tool.name} ${doc.tool.version}`)}">
<title>${escapeHtml(s.title)} — federated statistics</title>
<style>${reportCss}</style>
</head>
<body>
<main>
<header>
<h1>Federated statistics: ${escapeHtml(s.title)}</h1>
<p class="subtitle">${escapeHtml(s.dataset.name)} · ${formatInt(doc.records)} records at ${doc.sites.length} sites · ${escapeHtml(s.dataset.source)} (${escapeHtml(s.dataset.licence)})</p>
<p class="meta">Study <code>${escapeHtml(s.name)}</code> · ${escapeHtml(doc.tool.name)} ${escapeHtml(doc.tool.version)} · created ${escapeHtml(doc.createdAt)}</p>
<nav>${nav}</nav>
</header>
<section id="query"><h2>Query</h2>
<dl class="facts"><dt>Rows</dt><dd>${doc.query.rows === 'all' ? 'all of each site’s rows' : 'each site’s training split'}</dd>
<dt>k</dt><dd>${doc.query.k}: a site releases nothing about a feature with fewer than k values; level counts of 1 to k − 1 are suppressed (with a complement), histogram bins of 1 to k − 1 merged</dd>
<dt>Min / max</dt><dd>${doc.query.releaseExtremes ? 'released by sites whose policy allows it' : 'not released (site policy)'}</dd>
<dt>Histograms</dt><dd>${doc.query.bins} bins per numeric feature on one grid shared by all sites</dd>
<dt>Quantiles</dt><dd>${escapeHtml(doc.query.quantileDefinition)}</dd></dl>
${privacy}
<table><thead><tr><th>Site</th><th class="num">Records</th><th>Suppressed features</th>${dp ? '<th class="num">Noisy releases</th><th class="num">ε</th>' : ''}</tr></thead><tbody>${siteRows}</tbody></table>
${excluded.length ? `<p class="note">Left out by the study's partition: ${excluded.map(([id, why]) => `${escapeHtml(id)} (${escapeHtml(why)})`).join('; ')}.</p>` : ''}
</section>
${doc.features.map((f) => featureSection(doc, f)).join('\n')}
<footer>Generated by ${escapeHtml(doc.tool.name)} ${escapeHtml(doc.tool.version)} from stats.json (schema version ${doc.schemaVersion}). Only per-site summaries left the sites. This page is self-contained: it loads nothing from the network.</footer>
</main>
</body>
</html>
`;
}
