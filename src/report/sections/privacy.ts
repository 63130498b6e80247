import { escapeHtml } from '../escape-html.js';
import { metricLabel } from '../format.js';
import type { Results, RunResult } from '../results-schema.js';

/** The non-private federated run of the same strategy and model (the first in results order). */
function nonPrivateTwin(runs: readonly RunResult[], run: RunResult): RunResult | undefined {
  return runs.find((r) => r.kind === 'federated' && !r.privacy && r.strategy === run.strategy && r.model === run.model);
}

function num(v: unknown, digits: number): string {
  return typeof v === 'number' ? v.toFixed(digits) : '—';
}

/**
 * Differential privacy: for every run trained with DP, the epsilon spent at delta (the largest of
 * the sites', each site's below it) and the cost in the primary metric against the same strategy
 * and model trained without DP. Empty when no run used DP.
 */
export function renderPrivacy(results: Results): string {
  const dpRuns = results.runs.filter((r) => r.privacy);
  if (dpRuns.length === 0) return '';
  const metric = results.study.primaryMetric;
  const label = escapeHtml(metricLabel(metric));
  const rows = dpRuns.map((run) => {
    const p = run.privacy!;
    const twin = nonPrivateTwin(results.runs, run);
    const mine = run.metrics[metric];
    const theirs = twin?.metrics[metric];
    const cost = typeof mine === 'number' && typeof theirs === 'number' ? (mine - theirs).toFixed(3) : '—';
    const sites = Object.entries(p.perSite)
      .map(([id, s]) => `${escapeHtml(id)}: ε ${s.epsilon.toFixed(2)}, σ ${s.noiseMultiplier.toFixed(2)}, q ${s.samplingRate.toFixed(3)}, ${s.rounds} rounds`)
      .join('<br>');
    return (
      `<tr><th scope="row">${escapeHtml(run.name)}</th><td>${escapeHtml(p.mechanism)}</td>` +
      `<td class="num">${p.epsilon.toFixed(3)}</td><td class="num">${p.delta.toExponential(0)}</td><td class="num">${num(p.clipNorm, 2)}</td>` +
      `<td class="num">${num(mine, 3)}</td><td>${twin ? escapeHtml(twin.name) : '—'}</td><td class="num">${num(theirs, 3)}</td><td class="num">${cost}</td>` +
      `<td>${sites}</td></tr>`
    );
  });
  return `<section id="privacy">
<h2>Differential privacy</h2>
<p class="note">Patient-level DP-SGD: ε at δ by the RDP accountant of the Poisson-subsampled Gaussian (an upper bound), composed over every round a site trained in; the run's ε is the largest any site spent.
Cost: ${label} of the private run minus that of the same strategy and model trained without DP.</p>
<div class="scroll"><table class="comparison"><thead><tr><th scope="col">Run</th><th scope="col">Mechanism</th><th scope="col" class="num">ε</th><th scope="col" class="num">δ</th><th scope="col" class="num">Clip C</th>` +
    `<th scope="col" class="num">${label}</th><th scope="col">Non-private run</th><th scope="col" class="num">${label}</th><th scope="col" class="num">Cost</th><th scope="col">Per site</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
</section>`;
}
