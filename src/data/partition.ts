import { ErrorCodes, MedfedError } from '../core/errors.js';
import { deriveSeed, Rng } from '../core/random.js';

/**
 * Splitting one table's rows across simulated sites. Every function is deterministic in its seed
 * (the same seed and inputs give the same partition) and returns each site's row indices in
 * increasing order. Sites are named "site-1" … "site-K" unless they come from a site column.
 */
export interface SitePartition {
  readonly siteId: string;
  readonly indices: number[];
}

export interface DirichletLabelOptions {
  readonly sites: number;
  /** Concentration: small (0.1) → each site sees few classes; large (100) → close to IID. */
  readonly alpha: number;
  readonly seed: number;
  /** Every site gets at least this many rows (default 10); draws are repeated until it holds. */
  readonly minPerSite?: number;
  /** Every site also gets at least this many rows of every class (default 0: a site may lack a class). */
  readonly minPerClass?: number;
  /** Draws tried before giving up with CONFIG_INVALID (default 1000). */
  readonly maxAttempts?: number;
}

export type QuantitySizes = { readonly kind: 'dirichlet'; readonly alpha: number } | { readonly kind: 'power-law'; readonly exponent: number };

export interface QuantitySkewOptions {
  readonly sites: number;
  readonly seed: number;
  /** Site shares: from Dirichlet(alpha), or ∝ rank^-exponent (site-1 largest). */
  readonly sizes: QuantitySizes;
  readonly minPerSite?: number;
}

/** One site per distinct value of a natural site column, ids in natural sort order ("2" < "10"). */
export function partitionBySite(sites: readonly string[]): SitePartition[] {
  const bySite = new Map<string, number[]>();
  sites.forEach((s, i) => {
    const list = bySite.get(s);
    if (list) list.push(i);
    else bySite.set(s, [i]);
  });
  return [...bySite.keys()]
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((siteId) => ({ siteId, indices: bySite.get(siteId)! }));
}

/** Rows shuffled and dealt into `sites` parts whose sizes differ by at most one. */
export function partitionIid(n: number, options: { readonly sites: number; readonly seed: number }): SitePartition[] {
  checkSites(n, options.sites, 1);
  const perm = new Rng(deriveSeed(options.seed, 'partition-iid')).permutation(n);
  const base = Math.floor(n / options.sites);
  const sizes = Array.from({ length: options.sites }, (_, s) => base + (s < n % options.sites ? 1 : 0));
  return chunk(perm, sizes);
}

/**
 * Label skew: for each class, proportions p ~ Dirichlet(alpha) over the sites and that class's
 * (shuffled) rows split by p. Redrawn (same random stream, so still deterministic) until every
 * site has at least minPerSite rows.
 */
export function partitionDirichletLabel(labels: ArrayLike<number>, options: DirichletLabelOptions): SitePartition[] {
  const { sites, alpha, seed } = options;
  const minPerSite = options.minPerSite ?? 10;
  const minPerClass = options.minPerClass ?? 0;
  const maxAttempts = options.maxAttempts ?? 1000;
  checkSites(labels.length, sites, minPerSite);
  checkPositive('alpha', alpha);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const rng = new Rng(deriveSeed(seed, 'partition-dirichlet-label'));
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const parts: number[][] = Array.from({ length: sites }, () => []);
    for (const c of classes) {
      const rows = rng.shuffle([...byClass.get(c)!]) as number[];
      const p = rng.dirichlet(alpha, sites);
      let start = 0;
      let cumulative = 0;
      for (let s = 0; s < sites; s++) {
        cumulative += p[s];
        const end = s === sites - 1 ? rows.length : Math.round(cumulative * rows.length);
        for (let r = start; r < end; r++) parts[s].push(rows[r]);
        start = Math.max(start, end);
      }
    }
    const enough = (p: number[]) =>
      p.length >= minPerSite && classes.every((c) => p.filter((i) => labels[i] === c).length >= minPerClass);
    if (parts.every(enough)) return parts.map((p, s) => ({ siteId: `site-${s + 1}`, indices: p.sort((a, b) => a - b) }));
  }
  throw new MedfedError(
    ErrorCodes.CONFIG_INVALID,
    `no Dirichlet(alpha=${alpha}) label partition in ${maxAttempts} draws gave each of ${sites} sites at least ${minPerSite} rows${minPerClass > 0 ? ` and ${minPerClass} of every class` : ''}`,
    { where: 'partition', hint: 'raise alpha, lower minPerSite / minPerClass or use fewer sites' },
  );
}

/** Quantity skew: site sizes from Dirichlet(alpha) or a power law, rows assigned at random. */
export function partitionQuantitySkew(n: number, options: QuantitySkewOptions): SitePartition[] {
  const { sites, seed, sizes } = options;
  const minPerSite = options.minPerSite ?? 1;
  checkSites(n, sites, minPerSite);
  const rng = new Rng(deriveSeed(seed, 'partition-quantity-skew'));
  let shares: number[];
  if (sizes.kind === 'dirichlet') {
    checkPositive('sizes.alpha', sizes.alpha);
    shares = rng.dirichlet(sizes.alpha, sites);
  } else {
    if (!(sizes.exponent >= 0 && Number.isFinite(sizes.exponent))) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `power-law exponent must be >= 0, got ${sizes.exponent}`, { where: 'partition.sizes.exponent' });
    }
    const w = Array.from({ length: sites }, (_, s) => Math.pow(s + 1, -sizes.exponent));
    const total = w.reduce((a, b) => a + b, 0);
    shares = w.map((v) => v / total);
  }
  const extra = largestRemainder(shares, n - sites * minPerSite);
  return chunk(rng.permutation(n), extra.map((e) => e + minPerSite));
}

/** Integers proportional to `shares` (summing to 1) that add up to exactly `total`. */
export function largestRemainder(shares: readonly number[], total: number): number[] {
  const exact = shares.map((p) => p * total);
  const counts = exact.map(Math.floor);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0, left = total - counts.reduce((a, b) => a + b, 0); k < left; k++) counts[order[k % order.length].i]++;
  return counts;
}

function chunk(perm: ArrayLike<number>, sizes: readonly number[]): SitePartition[] {
  let start = 0;
  return sizes.map((size, s) => {
    const indices = Array.from({ length: size }, (_, k) => perm[start + k]).sort((a, b) => a - b);
    start += size;
    return { siteId: `site-${s + 1}`, indices };
  });
}

function checkSites(n: number, sites: number, minPerSite: number): void {
  if (!Number.isInteger(sites) || sites < 1) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `number of sites must be a positive integer, got ${sites}`, { where: 'partition.sites' });
  }
  if (!Number.isInteger(minPerSite) || minPerSite < 0) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `minPerSite must be a non-negative integer, got ${minPerSite}`, { where: 'partition.minPerSite' });
  }
  if (n < sites * Math.max(1, minPerSite)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${n} rows cannot give ${sites} sites at least ${Math.max(1, minPerSite)} rows each`, {
      where: 'partition',
      hint: 'use fewer sites or a smaller minPerSite',
    });
  }
}

function checkPositive(name: string, v: number): void {
  if (!(v > 0 && Number.isFinite(v))) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${name} must be a positive number, got ${v}`, { where: `partition.${name}` });
  }
}
