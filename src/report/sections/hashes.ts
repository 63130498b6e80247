import { escapeHtml } from '../escape-html.js';
import type { Results } from '../results-schema.js';

/** Final-weights hashes of every run (and of each local-only site model), for reproducibility checks. */
export function renderHashes(results: Results): string {
  const rows = results.runs.flatMap((run) => [
    `<tr><th scope="row">${escapeHtml(run.name)}</th><td><code>${escapeHtml(run.finalWeightsSha256)}</code></td><td class="num">${run.durationSeconds.toFixed(1)} s</td></tr>`,
    ...(run.localModels ?? []).map(
      (m) =>
        `<tr class="sub"><th scope="row">${escapeHtml(run.name)} · ${escapeHtml(m.siteId)}</th><td><code>${escapeHtml(m.finalWeightsSha256)}</code></td><td></td></tr>`,
    ),
  ]);
  return `<section id="hashes">
<h2>Final weights</h2>
<p class="note">SHA-256 of each final model's canonical safetensors bytes: the same study spec, data and seed must reproduce these hashes.</p>
<div class="scroll"><table class="hashes"><thead><tr><th scope="col">Run</th><th scope="col">SHA-256</th><th scope="col" class="num">Time</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
</section>`;
}
