import type { ColumnSpec } from '../csv/schema.js';
import { codeKey, codingsOf, matchCodings, parseCode, systemName, type CodeMatcher } from './codes.js';
import type { FhirFeature, FhirFeaturesSpec, FhirSiteOptions } from './features-spec.js';
import { compileFhirPath, type FhirPathFn } from './fhirpath.js';
import { indexPatients, resourceTime, type PatientIndex } from './patients.js';
import { describeResource, type FhirRecord, type FhirResource } from './resources.js';
import type { UnitConversion } from './units.js';
import { harmoniseUnits, type ObservationFeature, type RawValue } from './unit-harmonisation.js';

/** A problem with one feature at one site: an error stops extraction, a warning is reported. */
export interface FieldProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly where?: string;
  readonly hint?: string;
}

/** How one unit found at a site was handled for an observation feature. */
export interface UnitUse {
  /** The unit on the site's values (null: the values carry none). */
  readonly unit: string | null;
  /** Observations with that unit. */
  readonly count: number;
  /** The unit used to convert them: as recorded, declared by the site, or inferred from the values. */
  readonly read: string | null;
  readonly how: 'recorded' | 'declared by site' | 'inferred from values';
  /** Null when no conversion was possible (see the field's problems). */
  readonly conversion: UnitConversion | null;
  readonly note?: string;
}

/** One code that matched at a site, and whether it came from the site's code map. */
export interface CodeUse {
  readonly code: string;
  readonly count: number;
  readonly mapped: boolean;
}

/** Everything extraction learnt about one feature at one site. */
export interface FieldAnalysis {
  readonly feature: FhirFeature;
  readonly column: ColumnSpec;
  /** One value per patient (in the feature's unit, or a level index); NaN: missing. */
  readonly values: Float64Array;
  readonly present: number;
  readonly units: UnitUse[];
  readonly codes: CodeUse[];
  /** For coded features with no match: codes of that resource type seen at the site, by system. */
  readonly systemsSeen: Record<string, number>;
  /** Values outside the feature's plausible range (after conversion). */
  readonly outOfRange: number;
  /** Matching observations with a dataAbsentReason instead of a value. */
  readonly absent: number;
  readonly problems: FieldProblem[];
}

export interface SiteAnalysis {
  readonly index: PatientIndex;
  readonly fields: FieldAnalysis[];
}

const UCUM = 'http://unitsofmeasure.org';
const DAY = 86_400_000;
const ACTIVE = new Set(['active', 'recurrence', 'relapse']);
const NOT_CONFIRMED = new Set(['refuted', 'entered-in-error']);
const VOID_OBSERVATION = new Set(['cancelled', 'entered-in-error']);

/** The ColumnSpec a feature becomes in the Table. */
export function columnOf(f: FhirFeature): ColumnSpec {
  const d = f.description !== undefined ? { description: f.description } : {};
  switch (f.from) {
    case 'age':
      return { name: f.name, type: 'integer', unit: 'a', missing: f.missing, ...d };
    case 'sex':
      return { name: f.name, type: 'binary', levels: [...f.levels], missing: f.missing, ...d };
    case 'observation':
      return { name: f.name, type: 'numeric', ...(f.unit ? { unit: f.unit } : {}), missing: f.missing, ...d };
    case 'coded-observation':
      return { name: f.name, type: 'categorical', levels: Object.keys(f.values), missing: f.missing, ...d };
    case 'condition':
    case 'medication':
      return { name: f.name, type: 'binary', levels: ['0', '1'], missing: 'error', ...d };
    case 'count':
      return { name: f.name, type: 'integer', missing: 'error', ...d };
    case 'fhirpath':
      return {
        name: f.name,
        type: f.type,
        ...(f.levels ? { levels: [...f.levels] } : {}),
        ...(f.unit ? { unit: f.unit } : {}),
        missing: f.missing,
        ...d,
      };
  }
}

/** Years completed between a FHIR birth date (YYYY[-MM[-DD]]) and a reference date YYYY-MM-DD. */
export function ageAt(birthDate: string, referenceDate: string): number {
  const [by, bm = 1, bd = 1] = birthDate.split('-').map(Number);
  const [ry, rm, rd] = referenceDate.split('-').map(Number);
  return ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
}

/** The canonical codes of a feature plus the site's mapped codes for each. */
function matchersFor(codes: readonly string[], options: FhirSiteOptions): { matchers: CodeMatcher[]; mapped: Set<CodeMatcher> } {
  const matchers: CodeMatcher[] = [];
  const mapped = new Set<CodeMatcher>();
  const map = new Map<string, string[]>();
  for (const [from, to] of Object.entries(options.codeMap)) {
    const m = parseCode(from);
    map.set(`${codeKey(m)}${m.prefix ? '*' : ''}`, to);
  }
  for (const text of codes) {
    const m = parseCode(text);
    matchers.push(m);
    for (const local of map.get(`${codeKey(m)}${m.prefix ? '*' : ''}`) ?? []) {
      const lm = parseCode(local);
      matchers.push(lm);
      mapped.add(lm);
    }
  }
  return { matchers, mapped };
}

export class FieldBuilder {
  readonly values: Float64Array;
  readonly units: UnitUse[] = [];
  readonly codeCounts = new Map<CodeMatcher, number>();
  readonly systemsSeen: Record<string, number> = {};
  readonly problems: FieldProblem[] = [];
  outOfRange = 0;
  absent = 0;

  constructor(
    readonly feature: FhirFeature,
    n: number,
  ) {
    this.values = new Float64Array(n).fill(NaN);
  }

  error(message: string, where?: string, hint?: string): void {
    this.problems.push({ severity: 'error', message: `feature "${this.feature.name}": ${message}`, where, hint });
  }

  warn(message: string, hint?: string): void {
    this.problems.push({ severity: 'warning', message: `feature "${this.feature.name}": ${message}`, hint });
  }

  countCode(m: CodeMatcher): void {
    this.codeCounts.set(m, (this.codeCounts.get(m) ?? 0) + 1);
  }

  finish(mapped: Set<CodeMatcher>): FieldAnalysis {
    let present = 0;
    for (const v of this.values) if (!Number.isNaN(v)) present++;
    return {
      feature: this.feature,
      column: columnOf(this.feature),
      values: this.values,
      present,
      units: this.units,
      codes: [...this.codeCounts].map(([m, count]) => ({ code: m.text, count, mapped: mapped.has(m) })),
      systemsSeen: this.systemsSeen,
      outOfRange: this.outOfRange,
      absent: this.absent,
      problems: this.problems,
    };
  }
}

interface Timed {
  readonly patient: number;
  readonly time: number;
  readonly rec: FhirRecord;
}

/** Window check: on or before the reference date, and within lookbackDays if given. Undated resources count as in the window. */
function inWindow(time: number, refTime: number, lookbackDays?: number): boolean {
  if (Number.isNaN(time)) return lookbackDays === undefined;
  if (time > refTime) return false;
  return lookbackDays === undefined || time >= refTime - lookbackDays * DAY;
}

/** Index of the chosen item by select rule among items with times (NaN time sorts first). */
function pickIndex(times: readonly number[], select: 'latest' | 'earliest'): number {
  let best = 0;
  for (let i = 1; i < times.length; i++) {
    const t = Number.isNaN(times[i]) ? -Infinity : times[i];
    const b = Number.isNaN(times[best]) ? -Infinity : times[best];
    if (select === 'latest' ? t >= b : t < b) best = i;
  }
  return best;
}

/**
 * Reads every declared feature for every patient of a site's resources, harmonising as it goes
 * (site code mappings, UCUM conversion, unit inference), and records what it did and every
 * problem per feature instead of stopping at the first: the pre-flight check reports them all,
 * table extraction throws the first error. Isomorphic.
 */
export function analyseSite(records: readonly FhirRecord[], spec: FhirFeaturesSpec, options: FhirSiteOptions): SiteAnalysis {
  const index = indexPatients(records);
  const refTime = Date.parse(`${spec.referenceDate}T23:59:59.999Z`);
  const fields = spec.features.map((f, i) => analyseFeature(f, `features[${i}]`, index, spec, refTime, options));
  return { index, fields };
}

function analyseFeature(
  f: FhirFeature,
  path: string,
  index: PatientIndex,
  spec: FhirFeaturesSpec,
  refTime: number,
  options: FhirSiteOptions,
): FieldAnalysis {
  const n = index.patients.length;
  const b = new FieldBuilder(f, n);
  const where: FhirPathFn | undefined = 'where' in f && f.where !== undefined ? compileFhirPath(f.where, `${path}.where`) : undefined;
  const passes = (r: FhirResource) => where === undefined || where(r)[0] === true;
  const ofType = (p: number, type: string) => index.resources[p].get(type) ?? [];

  switch (f.from) {
    case 'age': {
      index.patients.forEach((rec, p) => {
        const bd = rec.resource.birthDate;
        if (typeof bd !== 'string') return;
        const age = ageAt(bd, spec.referenceDate);
        if (age >= 0) b.values[p] = age;
      });
      return b.finish(new Set());
    }
    case 'sex': {
      index.patients.forEach((rec, p) => {
        const level = f.levels.indexOf(rec.resource.gender as string);
        if (level >= 0) b.values[p] = level;
      });
      return b.finish(new Set());
    }
    case 'condition':
    case 'medication': {
      const type = f.from === 'condition' ? 'Condition' : 'MedicationRequest';
      const { matchers, mapped } = matchersFor(f.codes, options);
      for (let p = 0; p < n; p++) {
        b.values[p] = 0;
        for (const rec of ofType(p, type)) {
          const r = rec.resource;
          const concept = type === 'Condition' ? r.code : r.medicationCodeableConcept;
          const codings = codingsOf(concept);
          const m = matchCodings(codings, matchers);
          if (!m) {
            for (const c of codings) if (c.system) b.systemsSeen[systemName(c.system)] = (b.systemsSeen[systemName(c.system)] ?? 0) + 1;
            continue;
          }
          if (!inWindow(resourceTime(r), refTime)) continue;
          if (type === 'Condition') {
            if (codingsOf(r.verificationStatus).some((c) => NOT_CONFIRMED.has(c.code ?? ''))) continue;
            if (f.activeOnly) {
              const status = codingsOf(r.clinicalStatus).map((c) => c.code ?? '');
              const abated = typeof r.abatementDateTime === 'string' && Date.parse(r.abatementDateTime) <= refTime;
              if (!status.some((s) => ACTIVE.has(s)) || abated) continue;
            }
          } else if (f.activeOnly && r.status !== 'active') continue;
          if (!passes(r)) continue;
          b.countCode(m.matcher);
          b.values[p] = 1;
        }
      }
      if (b.codeCounts.size === 0) {
        const seen = Object.entries(b.systemsSeen).sort((x, y) => y[1] - x[1]).map(([s, c]) => `${s} (${c})`).join(', ');
        b.warn(
          `no ${type} at this site matches ${f.codes.join(', ')}${seen ? `; its ${type} codes are from ${seen}` : ''}`,
          'if the site codes this differently (e.g. ICD-10 instead of SNOMED CT), map it in the site options: codeMap: { "<canonical>": ["<site code>"] }',
        );
      }
      return b.finish(mapped);
    }
    case 'count': {
      for (let p = 0; p < n; p++) {
        let c = 0;
        for (const rec of ofType(p, f.resource)) if (inWindow(resourceTime(rec.resource), refTime, f.lookbackDays) && passes(rec.resource)) c++;
        b.values[p] = c;
      }
      return b.finish(new Set());
    }
    case 'fhirpath': {
      const fn = compileFhirPath(f.expression, `${path}.expression`);
      const levels = f.levels ?? (f.type === 'binary' ? ['0', '1'] : []);
      let unmatched = 0;
      index.patients.forEach((rec, p) => {
        const res = index.resources[p];
        const env = {
          observations: res.get('Observation')?.map((x) => x.resource) ?? [],
          conditions: res.get('Condition')?.map((x) => x.resource) ?? [],
          encounters: res.get('Encounter')?.map((x) => x.resource) ?? [],
          medications: res.get('MedicationRequest')?.map((x) => x.resource) ?? [],
          resources: [...res.values()].flat().map((x) => x.resource),
          refDate: spec.referenceDate,
        };
        const v = fn(rec.resource, env)[0];
        if (v === undefined || v === null) return;
        if (typeof v === 'boolean' && f.type === 'binary') b.values[p] = v ? 1 : 0;
        else if (typeof v === 'number' && (f.type === 'numeric' || f.type === 'integer')) b.values[p] = v;
        else {
          const level = levels.indexOf(String(v));
          if (level >= 0 && (f.type === 'binary' || f.type === 'categorical')) b.values[p] = level;
          else unmatched++;
        }
      });
      if (unmatched > 0) b.warn(`${unmatched} patient(s) got a value that is not a ${f.type}${levels.length ? ` level (${levels.join(', ')})` : ''}; they count as missing`);
      return b.finish(new Set());
    }
    case 'coded-observation': {
      const { matchers, mapped } = matchersFor(f.codes, options);
      const levelMatchers = Object.values(f.values).map((codes) => matchersFor(codes, options).matchers);
      const unknownValues = new Map<string, number>();
      for (let p = 0; p < n; p++) {
        const hits: Timed[] = [];
        for (const rec of ofType(p, 'Observation')) {
          const r = rec.resource;
          if (VOID_OBSERVATION.has(r.status as string)) continue;
          const m = matchCodings(codingsOf(r.code), matchers);
          if (!m || !inWindow(resourceTime(r), refTime, f.lookbackDays) || !passes(r)) continue;
          b.countCode(m.matcher);
          if (r.valueCodeableConcept === undefined) {
            if (r.dataAbsentReason !== undefined) b.absent++;
            else b.error(`${describeResource(r)}${rec.at ? ` (${rec.at})` : ''} matches ${m.matcher.text} but has no valueCodeableConcept`, rec.where, 'a coded-observation feature reads valueCodeableConcept; fix the resource or add a dataAbsentReason');
            continue;
          }
          hits.push({ patient: p, time: resourceTime(r), rec });
        }
        if (hits.length === 0) continue;
        const chosen = hits[pickIndex(hits.map((h) => h.time), f.select)].rec.resource;
        const codings = codingsOf(chosen.valueCodeableConcept);
        const level = levelMatchers.findIndex((ms) => matchCodings(codings, ms) !== undefined);
        if (level >= 0) b.values[p] = level;
        else {
          const key = codings.map((c) => `${systemName(c.system ?? '?')}|${c.code ?? '?'}`).join(',') || '(no coding)';
          unknownValues.set(key, (unknownValues.get(key) ?? 0) + 1);
        }
      }
      if (unknownValues.size > 0) {
        b.warn(`value codes not in any level (they count as missing): ${[...unknownValues].map(([k, c]) => `${k} (${c})`).join(', ')}`, 'add them to values in the features spec, or map them in the site options');
      }
      if (b.codeCounts.size === 0) b.warn(`no Observation at this site matches ${f.codes.join(', ')}`, 'check the codes, or map the site\'s own codes in codeMap');
      return b.finish(mapped);
    }
    case 'observation':
      return analyseObservation(f, b, index, refTime, options, passes);
  }
}



function quantityUnit(q: Record<string, unknown>): string | null {
  const code = typeof q.code === 'string' && q.code !== '' ? q.code : undefined;
  const unit = typeof q.unit === 'string' && q.unit !== '' ? q.unit : undefined;
  const ucum = q.system === undefined || q.system === UCUM;
  return (ucum ? (code ?? unit) : (unit ?? code)) ?? null;
}

function analyseObservation(
  f: ObservationFeature,
  b: FieldBuilder,
  index: PatientIndex,
  refTime: number,
  options: FhirSiteOptions,
  passes: (r: FhirResource) => boolean,
): FieldAnalysis {
  const { matchers, mapped } = matchersFor(f.codes, options);
  const component = f.component !== undefined ? [parseCode(f.component)] : undefined;
  const raw: RawValue[] = [];
  const n = index.patients.length;
  for (let p = 0; p < n; p++) {
    for (const rec of index.resources[p].get('Observation') ?? []) {
      const r = rec.resource;
      if (VOID_OBSERVATION.has(r.status as string)) continue;
      const m = matchCodings(codingsOf(r.code), matchers);
      if (!m) continue;
      const time = resourceTime(r);
      if (!inWindow(time, refTime, f.lookbackDays) || !passes(r)) continue;
      b.countCode(m.matcher);
      const label = `${describeResource(r)}${rec.at ? ` (${rec.at})` : ''}`;
      let holder: Record<string, unknown> = r;
      if (component) {
        const comps = Array.isArray(r.component) ? (r.component as Record<string, unknown>[]) : [];
        const c = comps.find((x) => matchCodings(codingsOf(x.code), component) !== undefined);
        if (!c) continue;
        holder = c;
      }
      const q = holder.valueQuantity as Record<string, unknown> | undefined;
      const integer = holder.valueInteger;
      if (q !== undefined && typeof q.value === 'number') {
        raw.push({ patient: p, time, value: q.value, unit: quantityUnit(q), rec });
      } else if (typeof integer === 'number') {
        raw.push({ patient: p, time, value: integer, unit: null, rec });
      } else if (holder.dataAbsentReason !== undefined) {
        b.absent++;
      } else {
        const other = Object.keys(holder).find((k) => k.startsWith('value'));
        const what = component ? `its component ${f.component}` : 'it';
        b.error(
          other
            ? `${label} matches ${m.matcher.text} but ${what} has a ${other}, not a number with a unit`
            : `${label} matches ${m.matcher.text} but ${what} has no value (no value[x] and no dataAbsentReason)`,
          rec.where,
          !component && Array.isArray(r.component)
            ? 'it is a panel with components: name the component to read (component: "loinc|...")'
            : other === 'valueCodeableConcept'
              ? 'use from: coded-observation for coded values'
              : 'fix the resource (give it a valueQuantity, or a dataAbsentReason when the value is missing)',
        );
      }
    }
  }
  harmoniseUnits(f, b, raw, options);
  // Convert and choose one value per patient.
  const convByUse = new Map<string | null, UnitConversion | null>(b.units.map((u) => [u.unit, u.conversion]));
  const perPatient = new Map<number, { time: number; value: number }[]>();
  for (const v of raw) {
    const conv = f.unit === undefined ? null : convByUse.get(v.unit);
    if (f.unit !== undefined && !conv) continue; // reported as a problem
    const value = conv ? conv.apply(v.value) : v.value;
    if (f.plausible && (value < f.plausible[0] || value > f.plausible[1])) b.outOfRange++;
    const list = perPatient.get(v.patient) ?? [];
    list.push({ time: v.time, value });
    perPatient.set(v.patient, list);
  }
  for (const [p, list] of perPatient) {
    if (f.select === 'latest' || f.select === 'earliest') b.values[p] = list[pickIndex(list.map((x) => x.time), f.select)].value;
    else if (f.select === 'min') b.values[p] = Math.min(...list.map((x) => x.value));
    else if (f.select === 'max') b.values[p] = Math.max(...list.map((x) => x.value));
    else b.values[p] = list.reduce((s, x) => s + x.value, 0) / list.length;
  }
  if (b.codeCounts.size === 0) b.warn(`no Observation at this site matches ${f.codes.join(', ')}`, 'check the codes, or map the site\'s own codes in codeMap');
  return b.finish(mapped);
}

