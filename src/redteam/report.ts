import { escapeHtml } from '../report/escape-html.js';
import { reportCss } from '../report/style.js';
import { renderBarChart } from '../report/svg/bar-chart.js';
import type { InversionSettingResult } from './inversion/experiment.js';
import type { MembershipRow } from './membership/experiment.js';
import type { PoisoningRow } from './poisoning/experiment.js';
import { greyPngDataUri } from './png.js';

const f3 = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const num = (s: string) => `<td class="num">${s}</td>`;

function table(caption: string, head: string[], rows: string[][]): string {
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function inversionSection(results: readonly InversionSettingResult[]): string {
  const rows = results.map((r) => [
    `<th>${escapeHtml(r.label)}</th>`,
    num(String(r.batchSize)),
    num(r.dp ? `σ ${r.dp.noiseMultiplier.toFixed(2)}, C ${r.dp.clipNorm}` : 'none'),
    num(f3(r.meanSsim)),
    num(f3(r.maxSsim)),
    num(r.meanPsnr.toFixed(1)),
    num(pct(r.labelAccuracy)),
    num(r.finalMatchingLoss.toExponential(2)),
  ]);
  const figures = results
    .map((r) => {
      const cells = r.examples
        .map((p) => `<figure style="display:inline-block;margin:4px;text-align:center"><img alt="original" src="${greyPngDataUri(p.original, 4)}"><img alt="reconstruction" src="${greyPngDataUri(p.reconstruction, 4)}"><figcaption>SSIM ${f3(p.ssim)}</figcaption></figure>`)
        .join('');
      return `<h3>${escapeHtml(r.label)} (batch ${r.batchSize})</h3><p class="note">Each pair: original (left), reconstruction from the update (right).</p><div>${cells}</div>`;
    })
    .join('');
  return `<h2 id="inversion">Gradient inversion</h2>${table('Mean over all attacked images; SSIM per Wang et al. 2004 (Gaussian window 11, σ 1.5); PSNR in dB (capped at 100)', ['setting', 'batch', 'DP-SGD', 'mean SSIM', 'max SSIM', 'mean PSNR', 'labels recovered', 'matching loss'], rows)}${figures}`;
}

export function poisoningSection(rows: readonly PoisoningRow[]): string {
  const aggs = [...new Set(rows.map((r) => r.aggregator))];
  const get = (a: string, k: PoisoningRow['attack']) => rows.find((r) => r.aggregator === a && r.attack === k);
  const body = aggs.map((a) => {
    const none = get(a, 'none'), bd = get(a, 'backdoor'), sf = get(a, 'sign-flip');
    return [
      `<th>${escapeHtml(a)}</th>`,
      num(none ? pct(none.cleanAccuracy) : '—'),
      num(bd ? pct(bd.attackSuccess) : '—'),
      num(bd ? pct(bd.cleanAccuracy) : '—'),
      num(sf ? pct(sf.cleanAccuracy) : '—'),
      num(sf ? f3(sf.auroc) : '—'),
      num(none ? pct(none.attackSuccess) : '—'),
    ];
  });
  const chart = renderBarChart({
    title: 'Backdoor success and clean accuracy under attack, per aggregator',
    xLabel: 'aggregator',
    yLabel: '%',
    seriesLabels: ['backdoor success', 'clean accuracy (backdoor)', 'clean accuracy (sign-flip)'],
    groups: aggs.map((a) => ({ label: a, values: [get(a, 'backdoor'), get(a, 'backdoor'), get(a, 'sign-flip')].map((r, i) => (r ? 100 * (i === 0 ? r.attackSuccess : r.cleanAccuracy) : null)) })),
    yDomain: [0, 100],
  });
  return `<h2 id="poisoning">Poisoning</h2>${table('Clean accuracy on the held-out test rows; backdoor success = share of test rows of another class predicted as the target once the trigger is stamped in', ['aggregator', 'clean acc. (no attack)', 'backdoor success', 'clean acc. (backdoor)', 'clean acc. (sign-flip)', 'AUROC (sign-flip)', 'trigger baseline (no attack)'], body)}<figure>${chart}</figure>`;
}

export function membershipSection(rows: readonly MembershipRow[]): string {
  const body = rows.map((r) => [
    `<th>${escapeHtml(r.label)}</th>`,
    num(r.dp ? `ε ${r.dp.epsilon}, δ ${r.dp.delta}, σ ${r.dp.noiseMultiplier.toFixed(2)}, C ${r.dp.clipNorm}` : 'none'),
    num(f3(r.auc)),
    num(pct(r.tprAtFpr)),
    num(pct(r.bestAccuracy)),
    num(pct(r.trainAccuracy)),
    num(pct(r.testAccuracy)),
  ]);
  return `<h2 id="membership">Membership inference</h2>${table(`Loss-threshold attack (Yeom et al. 2018); ${rows[0]?.members ?? 0} members, ${rows[0]?.nonMembers ?? 0} non-members`, ['model', 'DP-SGD', 'AUC', 'TPR at 1% FPR', 'best balanced acc.', 'train acc.', 'held-out acc.'], body)}`;
}

/** One self-contained page (inline CSS, PNG and SVG; no scripts). */
export function renderRedteamReport(title: string, facts: Record<string, string>, sections: string): string {
  const dl = Object.entries(facts).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${reportCss}</style></head><body><main><header><h1>${escapeHtml(
    title,
  )}</h1><p class="subtitle">medfed red team: attacks run against medfed's own training engine and aggregators (docs/red-team.md)</p></header><dl class="facts">${dl}</dl>${sections}</main></body></html>\n`;
}
