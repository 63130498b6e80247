import { z } from 'zod';
import { missingPolicies } from '../csv/schema.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';
import { codeText } from './codes.js';
import { isUcumUnit } from './units.js';

/**
 * The features a job extracts from FHIR R4 resources, one table row per Patient (docs/fhir.md).
 * Every feature names how it is computed (`from`); coded features list their codes as
 * "system|code" (site mappings are in the site options, not here).
 */
const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." or "-", starting with a letter or "_"');
const missing = z.enum(missingPolicies);
const codes = z.array(codeText).min(1);
const fhirpathExpr = z.string().min(1);
const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

const base = { name, description: z.string().optional() };

export const ageFeature = z.strictObject({ ...base, from: z.literal('age'), missing: missing.default('drop-row') });
export const sexFeature = z.strictObject({
  ...base,
  from: z.literal('sex'),
  /** Patient.gender values in level order; any other value (other, unknown, absent) is missing. */
  levels: z.tuple([z.string(), z.string()]).default(['female', 'male']),
  missing: missing.default('drop-row'),
});

export const observationFeature = z.strictObject({
  ...base,
  from: z.literal('observation'),
  codes,
  /** Read this component of a panel (e.g. "loinc|8480-6" systolic in the 85354-9 blood pressure panel). */
  component: codeText.optional(),
  /** UCUM unit of the feature; every site's values are converted to it. */
  unit: z.string().min(1).optional(),
  /** g/mol, for mass <-> amount-of-substance conversion (glucose 180.156). */
  molecularWeight: z.number().positive().optional(),
  /** Which value per patient, among observations on or before the reference date. */
  select: z.enum(['latest', 'earliest', 'min', 'max', 'mean']).default('latest'),
  /** Only observations at most this many days before the reference date. */
  lookbackDays: z.number().positive().optional(),
  /** FHIRPath filter on each matching Observation (e.g. "status = 'final'"). */
  where: fhirpathExpr.optional(),
  /** Plausible range in `unit`: values outside are counted in the report; used to infer a missing unit. */
  plausible: z.tuple([z.number(), z.number()]).optional(),
  /** Units a site may use when its values carry none; the one that fits `plausible` is inferred. */
  candidateUnits: z.array(z.string().min(1)).optional(),
  missing: missing.default('impute-mean'),
});

export const codedObservationFeature = z.strictObject({
  ...base,
  from: z.literal('coded-observation'),
  codes,
  /** Level → the value codes (valueCodeableConcept) that mean it; levels in this order. */
  values: z.record(z.string(), codes),
  select: z.enum(['latest', 'earliest']).default('latest'),
  lookbackDays: z.number().positive().optional(),
  where: fhirpathExpr.optional(),
  missing: missing.default('drop-row'),
});

export const conditionFeature = z.strictObject({
  ...base,
  from: z.literal('condition'),
  codes,
  /** Count only conditions still active on the reference date (clinicalStatus, abatement). */
  activeOnly: z.boolean().default(false),
  where: fhirpathExpr.optional(),
});

export const medicationFeature = z.strictObject({
  ...base,
  from: z.literal('medication'),
  codes,
  activeOnly: z.boolean().default(false),
  where: fhirpathExpr.optional(),
});

export const countFeature = z.strictObject({
  ...base,
  from: z.literal('count'),
  /** R4 resource type counted per patient (e.g. Encounter, Observation, Procedure). */
  resource: z.string().regex(/^[A-Z][A-Za-z]+$/).default('Encounter'),
  lookbackDays: z.number().positive().optional(),
  where: fhirpathExpr.optional(),
});

export const fhirpathFeature = z.strictObject({
  ...base,
  from: z.literal('fhirpath'),
  /**
   * Evaluated on the Patient, with %observations, %conditions, %encounters, %medications and
   * %resources (all of the patient's resources) and %refDate; the first result is the value
   * (boolean → 0/1, number, or a level's text).
   */
  expression: fhirpathExpr,
  type: z.enum(['numeric', 'integer', 'binary', 'categorical']),
  levels: z.array(z.string()).optional(),
  unit: z.string().optional(),
  missing: missing.default('error'),
});

export const featureSchema = z.discriminatedUnion('from', [
  ageFeature,
  sexFeature,
  observationFeature,
  codedObservationFeature,
  conditionFeature,
  medicationFeature,
  countFeature,
  fhirpathFeature,
]);

export const fhirFeaturesSchema = z
  .strictObject({
    /** Ages, lookback windows and "latest" are taken at this date; later resources are ignored. */
    referenceDate: dateText,
    features: z.array(featureSchema).min(2),
    /** The feature to predict (a condition, medication, sex, coded-observation or binary/categorical fhirpath feature). */
    label: name,
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.features.forEach((f, i) => {
      const issue = (message: string, key?: string) => ctx.addIssue({ code: 'custom', message, path: ['features', i, ...(key ? [key] : [])] });
      if (seen.has(f.name)) issue(`feature "${f.name}" is declared twice`, 'name');
      seen.add(f.name);
      if (f.from === 'observation') {
        for (const u of [f.unit, ...(f.candidateUnits ?? [])]) if (u !== undefined && !isUcumUnit(u)) issue(`"${u}" is not a UCUM unit (case-sensitive, e.g. mg/dL, mmol/L, mm[Hg], kg/m2, %)`, 'unit');
        if (f.candidateUnits && f.unit === undefined) issue('candidateUnits needs the feature unit', 'candidateUnits');
        if (f.plausible && f.plausible[0] >= f.plausible[1]) issue('plausible is [low, high] with low < high', 'plausible');
      }
      if (f.from === 'coded-observation' && Object.keys(f.values).length < 2) issue('a coded observation needs at least 2 levels in values', 'values');
      if (f.from === 'fhirpath' && f.type === 'categorical' && (f.levels?.length ?? 0) < 2) issue('a categorical fhirpath feature needs at least 2 levels', 'levels');
      if (f.from === 'fhirpath' && f.type === 'binary' && f.levels !== undefined && f.levels.length !== 2) issue('a binary feature has exactly 2 levels', 'levels');
    });
    const label = s.features.find((f) => f.name === s.label);
    if (!label) ctx.addIssue({ code: 'custom', message: `label "${s.label}" is not a declared feature`, path: ['label'] });
    else if (!isCategoricalFeature(label)) ctx.addIssue({ code: 'custom', message: `the label must be binary or categorical; "${s.label}" (from: ${label.from}) is numeric`, path: ['label'] });
    if (s.features.length - (label ? 1 : 0) < 1) ctx.addIssue({ code: 'custom', message: 'declare at least one feature besides the label', path: ['features'] });
  });

export type FhirFeature = z.output<typeof featureSchema>;
export type FhirFeaturesSpec = z.output<typeof fhirFeaturesSchema>;
export type FhirFeaturesSpecInput = z.input<typeof fhirFeaturesSchema>;

export function isCategoricalFeature(f: FhirFeature): boolean {
  return ['sex', 'condition', 'medication', 'coded-observation'].includes(f.from) || (f.from === 'fhirpath' && (f.type === 'binary' || f.type === 'categorical'));
}

/** Validates a features spec object; CONFIG_INVALID names every problem and its path. */
export function parseFhirFeaturesSpec(value: unknown, where = 'features spec'): FhirFeaturesSpec {
  const r = fhirFeaturesSchema.safeParse(value);
  if (!r.success) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid FHIR features spec: ${formatZodIssues(r.error)}`, {
      where,
      hint: 'see docs/fhir.md for the features spec (referenceDate, features with from: age | sex | observation | coded-observation | condition | medication | count | fhirpath, label)',
    });
  }
  return r.data;
}

/** Per-site harmonisation options: code mappings and units the site's data use (docs/fhir.md). */
export const fhirSiteOptionsSchema = z.strictObject({
  siteId: z.string().min(1).optional(),
  /** Canonical code ("snomed|44054006") → the codes this site uses for it ("icd-10-cm|E11*"). */
  codeMap: z.record(codeText, z.array(codeText).min(1)).default({}),
  /** Feature → UCUM unit of this site's values that carry no unit (overrides inference). */
  units: z.record(z.string(), z.string().min(1)).default({}),
});
export type FhirSiteOptions = z.output<typeof fhirSiteOptionsSchema>;
export type FhirSiteOptionsInput = z.input<typeof fhirSiteOptionsSchema>;
