import { analyseSite, type FieldAnalysis } from './analyse.js';
import { fhirSiteOptionsSchema, type FhirFeaturesSpec, type FhirSiteOptionsInput } from './features-spec.js';
import type { FhirRecord } from './resources.js';

/**
 * Pre-flight schema check: before a job starts, each site reports whether its data fit the job's
 * features (per field: present or missing, units and how they convert, codes and whether they were
 * mapped, fraction missing, problems), and a check across sites lists the mismatches by site and
 * field. Only counts and unit/code names leave a site, no patient values. Isomorphic.
 */
export type FieldStatus = 'ok' | 'converted' | 'mapped' | 'inferred' | 'missing' | 'error';

export interface FieldFit {
  readonly field: string;
  readonly from: string;
  readonly status: FieldStatus;
  /** Patients with a value, and the fraction without one. */
  readonly present: number;
  readonly fractionMissing: number;
  /** Observation features: "mmol/L → mg/dL (recorded, 812)" per unit found. */
  readonly units: string[];
  /** Coded features: the codes that matched, "(mapped)" when from the site's code map. */
  readonly codes: string[];
  /** Binary features: patients with the value 1 (e.g. the condition). */
  readonly positives?: number;
  readonly problems: string[];
  readonly warnings: string[];
}

export interface SiteFitReport {
  readonly site: string;
  readonly patients: number;
  /** Resources naming no patient of the file set. */
  readonly unlinked: number;
  readonly fields: FieldFit[];
  /** True when every field can be extracted (no error) and the label has both classes here. */
  readonly fits: boolean;
}

export interface Mismatch {
  readonly site: string;
  readonly field: string;
  /** error: extraction would fail; missing: no value at this site; unit/code: harmonised differently from the others; missingness: far more missing than elsewhere; label: no positive case. */
  readonly kind: 'error' | 'missing' | 'unit' | 'code' | 'missingness' | 'label';
  readonly detail: string;
}

function fieldFit(f: FieldAnalysis, n: number): FieldFit {
  const errors = f.problems.filter((p) => p.severity === 'error').map((p) => (p.where ? `${p.message} (at ${p.where})` : p.message));
  const warnings = f.problems.filter((p) => p.severity === 'warning').map((p) => p.message);
  const units = f.units.map((u) => {
    const from = u.unit ?? 'no unit';
    const to = u.conversion ? u.conversion.to : '?';
    const arrow = u.unit === to ? u.unit : u.read && u.read !== u.unit ? `${from} (read as ${u.read}) → ${to}` : `${from} → ${to}`;
    return `${arrow} (${u.how}, ${u.count})`;
  });
  const converted = f.units.some((u) => u.conversion && (u.unit !== u.conversion.to || u.how !== 'recorded'));
  const inferred = f.units.some((u) => u.how === 'inferred from values' && u.conversion);
  const mapped = f.codes.some((c) => c.mapped);
  const coded = ['observation', 'coded-observation', 'condition', 'medication'].includes(f.feature.from);
  const noneFound = coded && f.codes.length === 0;
  let status: FieldStatus = 'ok';
  if (errors.length > 0) status = 'error';
  else if (f.present === 0 || noneFound) status = 'missing';
  else if (inferred) status = 'inferred';
  else if (mapped) status = 'mapped';
  else if (converted) status = 'converted';
  const binary = f.feature.from === 'condition' || f.feature.from === 'medication';
  let positives = 0;
  if (binary) for (const v of f.values) if (v === 1) positives++;
  return {
    field: f.feature.name,
    from: f.feature.from,
    status,
    present: f.present,
    fractionMissing: n === 0 ? 1 : 1 - f.present / n,
    units,
    codes: f.codes.map((c) => `${c.code}${c.mapped ? ' (mapped)' : ''}: ${c.count}`),
    ...(binary ? { positives } : {}),
    problems: errors,
    warnings,
  };
}

/** One site's pre-flight report for a features spec (never throws for field problems: it lists them). */
export function checkFhirSite(records: readonly FhirRecord[], spec: FhirFeaturesSpec, optionsInput: FhirSiteOptionsInput = {}): SiteFitReport {
  const options = fhirSiteOptionsSchema.parse(optionsInput);
  const analysis = analyseSite(records, spec, options);
  const n = analysis.index.patients.length;
  const fields = analysis.fields.map((f) => fieldFit(f, n));
  const label = fields.find((f) => f.field === spec.label);
  const labelUsable = label !== undefined && label.status !== 'missing' && label.positives !== 0;
  return { site: options.siteId ?? 'site', patients: n, unlinked: analysis.index.unlinked, fields, fits: n > 0 && labelUsable && fields.every((f) => f.status !== 'error') };
}

/**
 * Mismatches across sites, by site and field: fields that fail or are absent at a site, units or
 * codes harmonised at some sites but not others (listed so that the mapping is visible), a
 * fraction missing more than `missingGap` above the median of the sites, a label with no positive
 * case at a site.
 */
export function compareSites(reports: readonly SiteFitReport[], spec: FhirFeaturesSpec, missingGap = 0.3): Mismatch[] {
  const out: Mismatch[] = [];
  for (const r of reports) {
    if (r.patients === 0) out.push({ site: r.site, field: '(patients)', kind: 'missing', detail: 'no Patient resources' });
  }
  for (const feature of spec.features) {
    const fits = reports.map((r) => ({ site: r.site, fit: r.fields.find((f) => f.field === feature.name)! }));
    const medianMissing = median(fits.map((x) => x.fit.fractionMissing));
    for (const { site, fit } of fits) {
      for (const p of fit.problems) out.push({ site, field: fit.field, kind: 'error', detail: p });
      if (fit.status === 'missing') out.push({ site, field: fit.field, kind: 'missing', detail: fit.warnings[0] ?? 'no patient has a value' });
      if (fit.status === 'converted' || fit.status === 'inferred') out.push({ site, field: fit.field, kind: 'unit', detail: fit.units.join('; ') });
      if (fit.status === 'mapped') out.push({ site, field: fit.field, kind: 'code', detail: fit.codes.join('; ') });
      if (fit.status !== 'missing' && fit.fractionMissing - medianMissing > missingGap) {
        out.push({ site, field: fit.field, kind: 'missingness', detail: `${pct(fit.fractionMissing)} missing (median of sites ${pct(medianMissing)})` });
      }
      if (feature.name === spec.label && fit.positives === 0) out.push({ site, field: fit.field, kind: 'label', detail: 'no positive case: the label has one class at this site' });
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const pct = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.01 ? 1 : 0)}%`;

function cell(f: FieldFit): string {
  const miss = f.fractionMissing > 0 ? ` ${pct(f.fractionMissing)} miss` : '';
  switch (f.status) {
    case 'ok':
      return `ok${f.positives !== undefined ? ` (${f.positives} pos)` : ''}${miss}`;
    case 'converted':
      return `${f.units.filter((u) => u.includes('→')).map((u) => u.replace(/ \([a-z ]+, \d+\)$/, '')).join(', ') || 'converted'}${miss}`;
    case 'inferred':
      return `unit inferred${miss}`;
    case 'mapped':
      return `mapped ${f.codes.filter((c) => c.includes('(mapped)')).map((c) => c.split(' (')[0]).join(', ')}${f.positives !== undefined ? ` (${f.positives} pos)` : ''}`;
    case 'missing':
      return 'MISSING';
    case 'error':
      return 'ERROR';
  }
}

/** A readable table: one row per field, one column per site, then the mismatches and errors listed. */
export function formatPreflight(reports: readonly SiteFitReport[], mismatches: readonly Mismatch[]): string {
  const header = ['field', ...reports.map((r) => `${r.site} (${r.patients} patients)`)];
  const fields = reports[0]?.fields.map((f) => f.field) ?? [];
  const rows = fields.map((name) => [name, ...reports.map((r) => cell(r.fields.find((f) => f.field === name)!))]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  out.push('');
  if (mismatches.length === 0) out.push('No mismatches: every site fits the features spec as is.');
  else {
    out.push(`${mismatches.length} mismatch(es) by site and field:`);
    for (const m of mismatches) out.push(`  ${m.site} · ${m.field} · ${m.kind}: ${m.detail}`);
  }
  const failing = reports.filter((r) => !r.fits).map((r) => r.site);
  out.push('');
  out.push(
    failing.length === 0
      ? `All ${reports.length} site(s) fit the spec.`
      : `Site(s) that do not fit: ${failing.join(', ')} (fix the errors, map the codes or declare the units listed above before the job starts).`,
  );
  return `${out.join('\n')}\n`;
}
