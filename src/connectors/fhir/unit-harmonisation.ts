import type { FhirSiteOptions, FhirFeature } from './features-spec.js';
import type { FhirRecord } from './resources.js';
import { unitConversion } from './units.js';
import type { FieldBuilder } from './analyse.js';

/** Unit harmonisation of one Observation feature at one site: declared, recorded or inferred units, converted with UCUM. */
export type ObservationFeature = Extract<FhirFeature, { from: 'observation' }>;

export interface RawValue {
  readonly patient: number;
  readonly time: number;
  readonly value: number;
  readonly unit: string | null;
  readonly rec: FhirRecord;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, c) => a - c);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));

/** Decides, per unit found at the site, how its values are converted to the feature's unit (docs/fhir.md, "Units"). */
export function harmoniseUnits(f: ObservationFeature, b: FieldBuilder, raw: readonly RawValue[], options: FhirSiteOptions): void {
  const groups = new Map<string | null, RawValue[]>();
  for (const v of raw) {
    const g = groups.get(v.unit) ?? [];
    g.push(v);
    groups.set(v.unit, g);
  }
  const target = f.unit;
  if (target === undefined) {
    const units = [...groups.keys()];
    if (units.length > 1) {
      b.error(`the site's values come in several units (${units.map((u) => u ?? 'none').join(', ')}) and the feature declares none`, undefined, 'declare the feature\'s unit (UCUM) so that values are converted to it');
    }
    for (const [unit, g] of groups) b.units.push({ unit, count: g.length, read: unit, how: 'recorded', conversion: null });
    return;
  }
  for (const [unit, g] of groups) {
    if (unit !== null) {
      const conv = unitConversion(unit, target, f.molecularWeight);
      if (typeof conv === 'string') {
        b.error(`${g.length} value(s) in "${unit}" cannot be converted to ${target}: ${conv}`, g[0].rec.where, unit.length > 0 && !conv.includes('molecular') ? 'record the unit as a UCUM code (e.g. mg/dL, mmol/L, mm[Hg]), or fix the feature\'s unit' : 'give the feature its molecularWeight (g/mol) to convert between mass and moles');
        b.units.push({ unit, count: g.length, read: unit, how: 'recorded', conversion: null });
      } else {
        b.units.push({ unit, count: g.length, read: unit, how: 'recorded', conversion: conv });
      }
      continue;
    }
    const declared = options.units[f.name];
    if (declared !== undefined) {
      const conv = unitConversion(declared, target, f.molecularWeight);
      if (typeof conv === 'string') b.error(`the site declares unitless values as "${declared}", which cannot be converted to ${target}: ${conv}`, undefined, 'fix units in the site options');
      b.units.push({ unit: null, count: g.length, read: declared, how: 'declared by site', conversion: typeof conv === 'string' ? null : conv });
      continue;
    }
    const candidates = f.candidateUnits ?? [target];
    if (f.plausible === undefined) {
      b.error(`${g.length} value(s) carry no unit`, g[0].rec.where, `declare the site's unit (units: { ${f.name}: "<UCUM unit>" } in its options), or give the feature a plausible range so that the unit can be inferred`);
      b.units.push({ unit: null, count: g.length, read: null, how: 'declared by site', conversion: null });
      continue;
    }
    const [lo, hi] = f.plausible;
    const values = g.map((v) => v.value);
    const fits = candidates.map((u) => {
      const conv = unitConversion(u, target, f.molecularWeight);
      if (typeof conv === 'string') return { u, conv: null, share: 0 };
      const share = values.filter((v) => conv.apply(v) >= lo && conv.apply(v) <= hi).length / values.length;
      return { u, conv, share };
    });
    const good = fits.filter((x) => x.share >= 0.95);
    const shares = fits.map((x) => `${Math.round(x.share * 100)}% plausible as ${x.u}`).join(', ');
    const note = `${g.length} value(s) without a unit (median ${fmt(median(values))}): ${shares}`;
    if (good.length === 1) {
      b.units.push({ unit: null, count: g.length, read: good[0].u, how: 'inferred from values', conversion: good[0].conv, note: `${note}; inferred ${good[0].u}` });
      b.warn(`${note}; unit inferred as ${good[0].u} (unambiguous)`, `declare units: { ${f.name}: "${good[0].u}" } in the site options to make it explicit`);
    } else {
      b.error(`${note}; the unit cannot be inferred (${good.length === 0 ? 'no candidate unit fits' : `ambiguous: ${good.map((x) => x.u).join(' or ')}`})`, g[0].rec.where, `declare the site's unit: units: { ${f.name}: "<UCUM unit>" } in its options`);
      b.units.push({ unit: null, count: g.length, read: null, how: 'inferred from values', conversion: null, note });
    }
  }
}
