import { escapeHtml } from '../escape-html.js';
import { formatInt, formatPercent, metricLabel } from '../format.js';
import type { Results, SiteSummary } from '../results-schema.js';

/** Label balance of a site as text and a bar width (fraction of positives, or largest class share). */
function balance(site: SiteSummary): { text: string; fraction: number | null } {
  const total = site.trainExamples + site.testExamples;
  const positives = site.positives ?? site.events; // survival: rows with the event
  if (positives !== undefined && total > 0) {
    return { text: `${formatInt(positives)} (${formatPercent(positives / total)})`, fraction: positives / total };
  }
  if (site.classCounts && total > 0) return { text: site.classCounts.map(formatInt).join(' / '), fraction: null };
  return { text: '—', fraction: null };
}

function siteRow(site: SiteSummary): string {
  const b = balance(site);
  const bar =
    b.fraction === null
      ? ''
      : `<span class="balance" aria-hidden="true"><span style="width:${(b.fraction * 100).toFixed(1)}%"></span></span>`;
  return (
    `<tr><th scope="row">${escapeHtml(site.id)}</th><td class="num">${formatInt(site.trainExamples)}</td>` +
    `<td class="num">${formatInt(site.testExamples)}</td><td class="num">${formatInt(site.trainExamples + site.testExamples)}</td>` +
    `<td class="num">${b.text}${bar}</td></tr>`
  );
}

/** Study summary: dataset and provenance, training setup, and the sites table. */
export function renderSummary(results: Results): string {
  const s = results.study;
  const d = s.dataset;
  const totals = s.sites.reduce(
    (a, site) => ({ train: a.train + site.trainExamples, test: a.test + site.testExamples, pos: a.pos + (site.positives ?? site.events ?? 0) }),
    { train: 0, test: 0, pos: 0 },
  );
  const hasPositives = s.sites.every((site) => (site.positives ?? site.events) !== undefined);
  const balanceHead = hasPositives ? (s.task === 'survival' ? 'Events' : 'Positives') : s.sites.some((site) => site.classCounts) ? 'Examples per class' : 'Label balance';
  const totalBalance = hasPositives ? `${formatInt(totals.pos)} (${formatPercent(totals.pos / Math.max(1, totals.train + totals.test))})` : '';
  return `<section id="study">
<h2>Study</h2>
<dl class="facts">
<dt>Dataset</dt><dd>${escapeHtml(d.name)} — ${formatInt(d.rows)} rows</dd>
<dt>Source</dt><dd>${escapeHtml(d.source)}</dd>
<dt>Licence</dt><dd>${escapeHtml(d.licence)}</dd>
<dt>Task</dt><dd>${escapeHtml(s.task)}; primary metric ${escapeHtml(metricLabel(s.primaryMetric))}</dd>
<dt>Training</dt><dd>${s.rounds} rounds × ${s.localEpochs} local epoch(s); engine ${escapeHtml(s.engine)}; seed ${s.seed}</dd>
</dl>
<table class="sites">
<caption>Sites (${s.sites.length}): examples held at each site; no row leaves its site in federated runs.</caption>
<thead><tr><th scope="col">Site</th><th scope="col">Train</th><th scope="col">Test</th><th scope="col">Total</th><th scope="col">${balanceHead}</th></tr></thead>
<tbody>${s.sites.map(siteRow).join('')}</tbody>
<tfoot><tr><th scope="row">All</th><td class="num">${formatInt(totals.train)}</td><td class="num">${formatInt(totals.test)}</td><td class="num">${formatInt(totals.train + totals.test)}</td><td class="num">${totalBalance}</td></tr></tfoot>
</table>
</section>`;
}
