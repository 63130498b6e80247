import { ErrorCodes, MedfedError } from '../core/errors.js';
import { decodeSurvival } from './survival-labels.js';

/**
 * A Kaplan-Meier curve as a table: at each time, the rows at risk just before it, the events and
 * censored rows at it, and the survival probability S(t) just after it (product of 1 - d/n).
 */
export interface KaplanMeierCurve {
  readonly times: number[];
  readonly atRisk: number[];
  readonly events: number[];
  readonly censored: number[];
  readonly survival: number[];
}

/**
 * The exact Kaplan-Meier estimate from survival labels y (+time event, -time censored), one row
 * per distinct observed time. Rows censored at t are at risk at t (the usual convention).
 */
export function kaplanMeier(y: ArrayLike<number>, where = 'Kaplan-Meier'): KaplanMeierCurve {
  const { time, event } = decodeSurvival(y, where);
  const n = time.length;
  if (n === 0) throw new MedfedError(ErrorCodes.DATA_INVALID, 'cannot estimate a survival curve from zero rows', { where });
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b]);
  const curve = emptyCurve();
  let atRisk = n;
  let s = 1;
  for (let g = 0; g < n; ) {
    const t = time[order[g]];
    let d = 0;
    let c = 0;
    while (g < n && time[order[g]] === t) {
      if (event[order[g]]) d++;
      else c++;
      g++;
    }
    s *= 1 - d / atRisk;
    push(curve, t, atRisk, d, c, s);
    atRisk -= d + c;
  }
  return curve;
}

/**
 * What one site releases for a federated Kaplan-Meier curve: counts per interval of a shared time
 * grid, never a row or an exact time. Bin j covers (grid[j-1], grid[j]] (the first starts at 0);
 * rows observed after the last grid point count as censored at it (the curve ends there).
 */
export type SiteKaplanMeierCounts =
  | {
      readonly released: true;
      /** The grid points kept (a subset of the shared grid, always ending with its last point). */
      readonly grid: number[];
      /** Rows at risk at the start of each released interval. */
      readonly atRisk: number[];
      readonly events: number[];
      readonly censored: number[];
    }
  | { readonly released: false; readonly reason: string };

/** How the minimum count k applies to a site's Kaplan-Meier counts. */
export interface RiskSetCountOptions {
  /** For messages (withheld reasons). */
  readonly siteId?: string;
  /**
   * "merge" (default): every released event and censored count is 0 or >= k; intervals are
   * merged until they qualify. "allow": k applies to the site as a whole (at least k rows and k
   * events, as src/stats applies k to a feature's count), and interval counts are released as
   * they are, like histogram bins on a coordinator's edges.
   */
  readonly smallCells?: 'merge' | 'allow';
}

/**
 * Runs AT THE SITE. Counts events and censored rows per interval of the shared `grid`. A site
 * with fewer than k rows or fewer than k events releases nothing (a PRIVACY_THRESHOLD reason).
 * With smallCells "merge" (default) every released event count and censored count is 0 or at
 * least k: intervals are merged forward (a grid point is dropped) until the running counts
 * qualify, and a remainder at the end is merged back into the previous released interval; a site
 * whose counts cannot qualify even as one interval (e.g. 1 to k-1 censored rows in all) releases
 * nothing. At-risk counts are sums of released cells, so they are 0 or >= k as well.
 */
export function siteRiskSetCounts(y: ArrayLike<number>, grid: readonly number[], k: number, options: RiskSetCountOptions = {}): SiteKaplanMeierCounts {
  const siteId = options.siteId ?? 'site';
  checkGrid(grid);
  if (!Number.isInteger(k) || k < 1) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `k must be a positive integer, got ${k}`, { where: 'kaplanMeier.k' });
  }
  const { time, event, events: totalEvents } = decodeSurvival(y, `${siteId} survival labels`);
  const withhold = (what: string): SiteKaplanMeierCounts => {
    const e = new MedfedError(ErrorCodes.PRIVACY_THRESHOLD, `${what}; the site's Kaplan-Meier counts are withheld`, { where: `${siteId}.kaplanMeier` });
    return { released: false, reason: e.describe() };
  };
  if (time.length < k || totalEvents < k) return withhold(`${time.length} rows with ${totalEvents} events: fewer than k = ${k}`);
  const m = grid.length;
  const events = new Array<number>(m).fill(0);
  const censored = new Array<number>(m).fill(0);
  for (let i = 0; i < time.length; i++) {
    const j = firstAtLeast(grid, time[i]);
    if (j === m) censored[m - 1]++;
    else if (event[i]) events[j]++;
    else censored[j]++;
  }
  const allow = options.smallCells === 'allow';
  const ok = (d: number, c: number) => allow || ((d === 0 || d >= k) && (c === 0 || c >= k));
  const kept: { j: number; d: number; c: number }[] = [];
  let d = 0;
  let c = 0;
  for (let j = 0; j < m; j++) {
    d += events[j];
    c += censored[j];
    if (ok(d, c)) {
      kept.push({ j, d, c });
      d = 0;
      c = 0;
    }
  }
  // The last grid point must close an interval: fold the unqualified remainder backwards.
  while (kept.length === 0 || kept[kept.length - 1].j !== m - 1 || !ok(d, c)) {
    const last = kept.pop();
    if (!last) return withhold(`${time.length} rows with ${d} events and ${c} censored cannot be released as counts of 0 or at least k = ${k}`);
    d += last.d;
    c += last.c;
    if (ok(d, c)) {
      kept.push({ j: m - 1, d, c });
      d = 0;
      c = 0;
    }
  }
  const out = { released: true as const, grid: [] as number[], atRisk: [] as number[], events: [] as number[], censored: [] as number[] };
  let atRisk = time.length;
  for (const b of kept) {
    out.grid.push(grid[b.j]);
    out.atRisk.push(atRisk);
    out.events.push(b.d);
    out.censored.push(b.c);
    atRisk -= b.d + b.c;
  }
  return out;
}

/** The combined curve, the sites in it, and why the others are missing. */
export interface CombinedKaplanMeier {
  readonly curve: KaplanMeierCurve;
  readonly sites: string[];
  readonly withheld: Record<string, string>;
}

/**
 * Runs AT THE COORDINATOR. Combines site counts on the grid points every releasing site kept
 * (each site's intervals are re-summed onto that common grid, which is exact), then
 * S(t_j) = prod over l <= j of (1 - events_l / atRisk_l). With k = 1 and a grid holding every
 * distinct time of the pooled rows, this IS the pooled Kaplan-Meier curve; on any grid it equals
 * the pooled curve on that grid. Sites that withheld their counts are listed, not included.
 */
export function combineKaplanMeier(parts: readonly { readonly siteId: string; readonly counts: SiteKaplanMeierCounts }[]): CombinedKaplanMeier {
  const withheld: Record<string, string> = {};
  const released: { siteId: string; grid: number[]; atRisk: number[]; events: number[]; censored: number[] }[] = [];
  for (const p of parts) {
    if (p.counts.released) {
      checkSiteCounts(p.siteId, p.counts);
      released.push({ siteId: p.siteId, ...p.counts });
    } else withheld[p.siteId] = p.counts.reason;
  }
  if (released.length === 0) {
    throw new MedfedError(ErrorCodes.PRIVACY_THRESHOLD, `no site released Kaplan-Meier counts (${parts.length} withheld)`, {
      where: 'kaplanMeier',
      hint: 'lower k, or use a coarser grid so that each interval holds at least k events',
    });
  }
  const end = released[0].grid[released[0].grid.length - 1];
  for (const r of released) {
    if (r.grid[r.grid.length - 1] !== end) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `site ${r.siteId}'s counts end at ${r.grid[r.grid.length - 1]}, not at ${end} like site ${released[0].siteId}'s`, {
        where: `${r.siteId}.kaplanMeier.grid`,
        hint: 'every site must count on the same shared grid',
      });
    }
  }
  const common = released[0].grid.filter((t) => released.every((r) => r.grid.includes(t)));
  const curve = emptyCurve();
  let s = 1;
  const cursor = released.map(() => 0);
  for (const t of common) {
    let n = 0;
    let d = 0;
    let c = 0;
    released.forEach((r, i) => {
      n += r.atRisk[cursor[i]];
      while (r.grid[cursor[i]] <= t) {
        d += r.events[cursor[i]];
        c += r.censored[cursor[i]];
        cursor[i]++;
      }
    });
    s *= n > 0 ? 1 - d / n : 1;
    push(curve, t, n, d, c, s);
  }
  return { curve, sites: released.map((r) => r.siteId), withheld };
}

function checkGrid(grid: readonly number[]): void {
  const ok = grid.length >= 1 && grid.every((g, i) => Number.isFinite(g) && g > 0 && (i === 0 || g > grid[i - 1]));
  if (!ok) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the time grid must be at least one finite, positive, strictly increasing time, got [${grid.slice(0, 8).join(', ')}${grid.length > 8 ? ', ...' : ''}]`, {
      where: 'kaplanMeier.grid',
      hint: 'choose grid points from public facts (e.g. every 30 days up to the end of follow-up)',
    });
  }
}

/** Site replies are untrusted input: counts must be whole, non-negative and add up. */
function checkSiteCounts(siteId: string, r: { grid: number[]; atRisk: number[]; events: number[]; censored: number[] }): void {
  const m = r.grid.length;
  const bad = (what: string) =>
    new MedfedError(ErrorCodes.DATA_INVALID, `site ${siteId}'s Kaplan-Meier counts are inconsistent: ${what}`, { where: `${siteId}.kaplanMeier` });
  if (m === 0 || r.atRisk.length !== m || r.events.length !== m || r.censored.length !== m) throw bad('arrays of different lengths');
  checkGrid(r.grid);
  for (let j = 0; j < m; j++) {
    for (const v of [r.atRisk[j], r.events[j], r.censored[j]]) if (!Number.isInteger(v) || v < 0) throw bad(`a count at ${r.grid[j]} is ${v}`);
    const next = j + 1 < m ? r.atRisk[j + 1] : 0;
    if (r.atRisk[j] - r.events[j] - r.censored[j] !== next) throw bad(`at risk ${r.atRisk[j]} at ${r.grid[j]} minus its events and censored is not the next at-risk count ${next}`);
  }
}

/** Index of the first grid point >= t (grid.length when t is beyond the grid). */
function firstAtLeast(grid: readonly number[], t: number): number {
  let lo = 0;
  let hi = grid.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (grid[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function emptyCurve(): KaplanMeierCurve {
  return { times: [], atRisk: [], events: [], censored: [], survival: [] };
}

function push(c: KaplanMeierCurve, t: number, n: number, d: number, cens: number, s: number): void {
  c.times.push(t);
  c.atRisk.push(n);
  c.events.push(d);
  c.censored.push(cens);
  c.survival.push(s);
}
