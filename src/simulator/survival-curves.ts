import type { Dataset } from '../core/dataset.js';
import { combineKaplanMeier, siteRiskSetCounts, type SiteKaplanMeierCounts } from '../eval/kaplan-meier.js';
import { decodeSurvival } from '../eval/survival-labels.js';

/** Kaplan-Meier curves of a survival study: each site's, and the combination of their counts. */
export interface SurvivalCurves {
  /** The shared grid the sites count on (equal steps up to the last observed time). */
  readonly grid: number[];
  readonly combined: { readonly times: number[]; readonly survival: number[]; readonly sites: string[] };
  readonly sites: Record<string, { readonly times: number[]; readonly survival: number[] }>;
  /** Sites that released no counts (fewer than k rows or events), with the reason. */
  readonly withheld: Record<string, string>;
}

/**
 * Each site counts events and censored rows of all its rows (training and test) per interval of a
 * shared grid (eval/kaplan-meier.ts siteRiskSetCounts, k applied to the site as a whole); only
 * those counts are combined into the overall curve, which equals the same estimate from the pooled
 * rows' counts on the grid (at risk at the start of each interval: the exact Kaplan-Meier curve
 * seen at the grid's resolution). Simulator: the grid's end is the largest time of the pooled rows (a deployment
 * would take it from federated statistics).
 */
export function survivalCurves(sites: ReadonlyMap<string, readonly Dataset[]>, k: number, points = 24): SurvivalCurves {
  let end = 0;
  for (const parts of sites.values()) for (const d of parts) for (const t of decodeSurvival(d.y, 'survival labels').time) end = Math.max(end, t);
  const grid = Array.from({ length: points }, (_, i) => (end * (i + 1)) / points);
  const counts: { siteId: string; counts: SiteKaplanMeierCounts }[] = [];
  for (const [siteId, parts] of sites) {
    const y = new Float32Array(parts.reduce((a, d) => a + d.y.length, 0));
    let at = 0;
    for (const d of parts) {
      y.set(d.y, at);
      at += d.y.length;
    }
    counts.push({ siteId, counts: siteRiskSetCounts(y, grid, k, { siteId, smallCells: 'allow' }) });
  }
  const combined = combineKaplanMeier(counts);
  const perSite: Record<string, { times: number[]; survival: number[] }> = {};
  for (const { siteId, counts: c } of counts) {
    if (!c.released) continue;
    let s = 1;
    const survival = c.grid.map((_, j) => (s *= c.atRisk[j] > 0 ? 1 - c.events[j] / c.atRisk[j] : 1));
    perSite[siteId] = { times: [...c.grid], survival };
  }
  return {
    grid,
    combined: { times: combined.curve.times, survival: combined.curve.survival, sites: combined.sites },
    sites: perSite,
    withheld: combined.withheld,
  };
}
