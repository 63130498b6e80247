import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import { SYSTEM_ALIASES } from './codes.js';
import type { FhirFileText } from './table.js';

/**
 * A seeded generator of Synthea-like FHIR R4 patients for multi-site EHR studies (docs/fhir.md,
 * "Generator"). Every site has its own population and its own recording habits: glucose in mg/dL
 * or mmol/L (with the matching LOINC code), diabetes and hypertension coded in SNOMED CT or ICD-10-CM.
 * The same seed and options give the same bytes. Isomorphic: returns file names and texts.
 *
 * Clinical model (per patient, all at the reference date):
 *   sex ~ Bernoulli(0.5); age ~ Normal(site mean, site sd) truncated to [18, 90]
 *   BMI ~ Normal(site mean + 0.04 (age - 50), 4.5) in [16, 60]
 *   smoking: current with the site's rate (+5 points for men), else former with 25%, else never
 *   diabetes (latent) ~ Bernoulli(sigmoid(-2.6 + site offset + 0.055 (age - 50) + 0.13 (BMI - 27)
 *                                          + 0.4 current smoker + 0.2 male))
 *   HbA1c % = 5.3 + 0.005 (age - 50) + 0.02 (BMI - 27) + N(0, 0.3)       (no diabetes)
 *           = 7.3 + N(0, 1.1), at least 6.0                              (diabetes)
 *   fasting glucose mg/dL = 28.7 HbA1c - 46.7 - 10 + N(0, 12) (ADAG relation, fasting ~10 below mean)
 *   SBP mmHg = 118 + 0.5 (age - 50) + 0.9 (BMI - 27) + 4 male + 5 diabetes + N(0, 13); DBP = 0.55 SBP + 8 + N(0, 7)
 *   hypertension ~ Bernoulli(sigmoid((SBP - 132) / 5))
 *   total cholesterol mg/dL = 190 + 0.4 (age - 50) + 1.5 (BMI - 27) + N(0, 35)
 *   diabetes is diagnosed (a Condition) with probability 0.8: 20% stay undiagnosed, with high HbA1c
 *   encounters in the last 3 years ~ Poisson(1.5 + 0.04 age + 2 diabetes + 1 hypertension), at least 1;
 *   vitals (BMI, blood pressure) at the last two encounters, labs (HbA1c, glucose, cholesterol) and
 *   smoking status at the last one; labs are missing for the site's labMissing fraction of patients;
 *   metformin for 85% of diagnosed diabetics, lisinopril for 70% of hypertensives.
 */
export interface FhirSiteProfile {
  readonly id: string;
  readonly name: string;
  readonly ageMean: number;
  readonly ageSd: number;
  readonly bmiMean: number;
  readonly smokingRate: number;
  /** Added to the diabetes log-odds (site-level differences beyond the risk factors). */
  readonly diabetesOffset: number;
  /** Fraction of patients without labs (HbA1c, glucose, cholesterol). */
  readonly labMissing: number;
  /** Glucose unit and LOINC: mg/dL → 1558-6 (mass), mmol/L → 14771-0 (moles). */
  readonly glucoseUnit: 'mg/dL' | 'mmol/L';
  /** Leave the unit off glucose values (for unit-inference tests). */
  readonly omitGlucoseUnit?: boolean;
  /** Code system of the diabetes and hypertension Conditions. */
  readonly conditionCodes: 'snomed' | 'icd-10-cm';
}

export const DEFAULT_SITE_PROFILES: readonly FhirSiteProfile[] = [
  { id: 'site-a', name: 'Northside General (urban, mg/dL, SNOMED CT)', ageMean: 50, ageSd: 16, bmiMean: 27, smokingRate: 0.16, diabetesOffset: 0, labMissing: 0.1, glucoseUnit: 'mg/dL', conditionCodes: 'snomed' },
  { id: 'site-b', name: 'Lakeside University Hospital (older, mmol/L, SNOMED CT)', ageMean: 60, ageSd: 14, bmiMean: 27.5, smokingRate: 0.12, diabetesOffset: 0.1, labMissing: 0.05, glucoseUnit: 'mmol/L', conditionCodes: 'snomed' },
  { id: 'site-c', name: 'Hillcrest Community Clinic (younger, higher BMI, mg/dL, ICD-10-CM)', ageMean: 44, ageSd: 15, bmiMean: 29.5, smokingRate: 0.24, diabetesOffset: 0.2, labMissing: 0.2, glucoseUnit: 'mg/dL', conditionCodes: 'icd-10-cm' },
];

export interface GenerateOptions {
  readonly seed: number;
  /** Patients per site. */
  readonly patients: number;
  /** Number of sites: the first n default profiles (more than 3 cycle through them with new ids). */
  readonly sites?: number;
  readonly profiles?: readonly FhirSiteProfile[];
  readonly format?: 'ndjson' | 'bundle';
  /** YYYY-MM-DD; every resource is dated on or before it. */
  readonly referenceDate?: string;
}

export interface GeneratedSite {
  readonly profile: FhirSiteProfile;
  readonly files: FhirFileText[];
  /** Counts for the README: patients, latent and diagnosed diabetes, hypertension. */
  readonly summary: { patients: number; diabetes: number; diagnosedDiabetes: number; hypertension: number; resources: number };
}

export const GLUCOSE_MG_PER_DL_PER_MMOL_PER_L = 18.0156; // molecular weight 180.156 g/mol / 10

const LOINC = SYSTEM_ALIASES.loinc;
const SNOMED = SYSTEM_ALIASES.snomed;
const ICD10CM = SYSTEM_ALIASES['icd-10-cm'];
const RXNORM = SYSTEM_ALIASES.rxnorm;
const UCUM = SYSTEM_ALIASES.ucum;
const DAY = 86_400_000;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number, digits: number) => Number(x.toFixed(digits));

function poisson(rng: Rng, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.uniform();
  } while (p > l);
  return k - 1;
}

function uuid(rng: Rng): string {
  const hex = Array.from({ length: 4 }, () => Math.floor(rng.uniform() * 0x100000000).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[rng.int(4)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);
const isoDateTime = (t: number) => `${new Date(t).toISOString().slice(0, 19)}Z`;

function concept(system: string, code: string, display: string) {
  return { coding: [{ system, code, display }], text: display };
}

function quantity(value: number, unit: string | null) {
  return unit === null ? { value } : { value, unit, system: UCUM, code: unit };
}

const CONDITIONS = {
  diabetes: { snomed: ['44054006', 'Diabetes mellitus type 2 (disorder)'], 'icd-10-cm': ['E11.9', 'Type 2 diabetes mellitus without complications'] },
  hypertension: { snomed: ['38341003', 'Hypertensive disorder, systemic arterial (disorder)'], 'icd-10-cm': ['I10', 'Essential (primary) hypertension'] },
} as const;

const SMOKING = {
  never: ['266919005', 'Never smoker'],
  former: ['8517006', 'Ex-smoker'],
  current: ['449868002', 'Smokes tobacco daily'],
} as const;

/** Generates every site's files. Throws CONFIG_INVALID for bad counts or dates. */
export function generateFhirSites(options: GenerateOptions): GeneratedSite[] {
  const base = options.profiles ?? DEFAULT_SITE_PROFILES;
  const nSites = options.sites ?? base.length;
  if (!Number.isInteger(nSites) || nSites < 1 || nSites > 50) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `sites must be an integer in [1, 50], got ${nSites}`, { where: 'sites' });
  }
  if (!Number.isInteger(options.patients) || options.patients < 1 || options.patients > 1_000_000) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `patients must be an integer in [1, 1000000], got ${options.patients}`, { where: 'patients' });
  }
  const ref = options.referenceDate ?? '2024-01-01';
  const refTime = Date.parse(`${ref}T12:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ref) || Number.isNaN(refTime)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `referenceDate must be YYYY-MM-DD, got "${ref}"`, { where: 'referenceDate' });
  }
  const profiles = Array.from({ length: nSites }, (_, i) => (i < base.length ? base[i] : { ...base[i % base.length], id: `site-${i + 1}`, name: `${base[i % base.length].name} #${i + 1}` }));
  return profiles.map((p) => generateSite(p, options.patients, Rng.derive(options.seed, 'fhir-generate', p.id), refTime, options.format ?? 'ndjson'));
}

function generateSite(site: FhirSiteProfile, n: number, rng: Rng, refTime: number, format: 'ndjson' | 'bundle'): GeneratedSite {
  const byType: Record<string, object[]> = { Patient: [], Encounter: [], Observation: [], Condition: [], MedicationRequest: [] };
  const bundles: FhirFileText[] = [];
  const summary = { patients: n, diabetes: 0, diagnosedDiabetes: 0, hypertension: 0, resources: 0 };
  for (let i = 0; i < n; i++) {
    const resources: { resource: Record<string, unknown> }[] = [];
    const add = (type: string, r: Record<string, unknown>) => resources.push({ resource: { resourceType: type, ...r } });
    const pid = uuid(rng);
    const subjectRef = format === 'bundle' ? `urn:uuid:${pid}` : `Patient/${pid}`;
    const subject = { reference: subjectRef };
    const male = rng.uniform() < 0.5;
    let age = site.ageMean + site.ageSd * rng.normal();
    while (age < 18 || age > 90) age = site.ageMean + site.ageSd * rng.normal();
    const birth = refTime - Math.floor(age * 365.25 * DAY);
    const bmi = clip(site.bmiMean + 0.04 * (age - 50) + 4.5 * rng.normal(), 16, 60);
    const smokingDraw = rng.uniform();
    const current = smokingDraw < site.smokingRate + (male ? 0.05 : 0);
    const smoking = current ? 'current' : rng.uniform() < 0.25 ? 'former' : 'never';
    const diabetes = rng.uniform() < sigmoid(-2.6 + site.diabetesOffset + 0.055 * (age - 50) + 0.13 * (bmi - 27) + (current ? 0.4 : 0) + (male ? 0.2 : 0));
    const hba1c = clip(diabetes ? Math.max(6.0, 7.3 + 1.1 * rng.normal()) : 5.3 + 0.005 * (age - 50) + 0.02 * (bmi - 27) + 0.3 * rng.normal(), 4, 15);
    const glucose = clip(28.7 * hba1c - 46.7 - 10 + 12 * rng.normal(), 55, 450);
    const sbp = clip(118 + 0.5 * (age - 50) + 0.9 * (bmi - 27) + (male ? 4 : 0) + (diabetes ? 5 : 0) + 13 * rng.normal(), 85, 220);
    const dbp = clip(0.55 * sbp + 8 + 7 * rng.normal(), 45, 130);
    const hypertension = rng.uniform() < sigmoid((sbp - 132) / 5);
    const cholesterol = clip(190 + 0.4 * (age - 50) + 1.5 * (bmi - 27) + 35 * rng.normal(), 100, 400);
    const diagnosed = diabetes && rng.uniform() < 0.8;
    const labs = rng.uniform() >= site.labMissing;
    summary.diabetes += diabetes ? 1 : 0;
    summary.diagnosedDiabetes += diagnosed ? 1 : 0;
    summary.hypertension += hypertension ? 1 : 0;

    add('Patient', {
      id: pid,
      meta: { profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'] },
      identifier: [{ system: `https://${site.id}.example.org/mrn`, value: `${site.id.toUpperCase()}-${String(i + 1).padStart(6, '0')}` }],
      name: [{ use: 'official', family: `Patient${i + 1}`, given: [male ? 'John' : 'Jane'] }],
      gender: male ? 'male' : 'female',
      birthDate: isoDate(birth),
    });
    // Encounters over the last 3 years, sorted; the last one carries the labs.
    const count = Math.max(1, poisson(rng, 1.5 + 0.04 * age + (diabetes ? 2 : 0) + (hypertension ? 1 : 0)));
    const times = Array.from({ length: count }, () => refTime - (7 + rng.int(3 * 365 - 7)) * DAY).sort((a, b) => a - b);
    const encounterIds = times.map((t) => {
      const id = uuid(rng);
      add('Encounter', {
        id,
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
        type: [concept(SNOMED, '185349003', 'Encounter for check up (procedure)')],
        subject,
        period: { start: isoDateTime(t), end: isoDateTime(t + 20 * 60_000) },
      });
      return id;
    });
    const encRef = (k: number) => ({ reference: format === 'bundle' ? `urn:uuid:${encounterIds[k]}` : `Encounter/${encounterIds[k]}` });
    const observation = (k: number, code: string, display: string, category: string, value: Record<string, unknown>) =>
      add('Observation', {
        id: uuid(rng),
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
        code: concept(LOINC, code, display),
        subject,
        encounter: encRef(k),
        effectiveDateTime: isoDateTime(times[k]),
        issued: `${new Date(times[k]).toISOString().slice(0, 23)}Z`,
        ...value,
      });
    for (let k = Math.max(0, count - 2); k < count; k++) {
      const last = k === count - 1;
      const jitter = last ? 0 : 1;
      observation(k, '39156-5', 'Body Mass Index', 'vital-signs', { valueQuantity: quantity(round(bmi + jitter * 0.8 * rng.normal(), 1), 'kg/m2') });
      const s = round(sbp + jitter * 6 * rng.normal(), 0);
      const d = round(dbp + jitter * 4 * rng.normal(), 0);
      observation(k, '85354-9', 'Blood pressure panel with all children optional', 'vital-signs', {
        component: [
          { code: concept(LOINC, '8480-6', 'Systolic blood pressure'), valueQuantity: quantity(s, 'mm[Hg]') },
          { code: concept(LOINC, '8462-4', 'Diastolic blood pressure'), valueQuantity: quantity(d, 'mm[Hg]') },
        ],
      });
    }
    const last = count - 1;
    const [sCode, sDisplay] = SMOKING[smoking];
    observation(last, '72166-2', 'Tobacco smoking status', 'social-history', { valueCodeableConcept: concept(SNOMED, sCode, sDisplay) });
    if (labs) {
      observation(last, '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', 'laboratory', { valueQuantity: quantity(round(hba1c, 1), '%') });
      const mmol = site.glucoseUnit === 'mmol/L';
      const unit = site.omitGlucoseUnit ? null : site.glucoseUnit;
      observation(
        last,
        mmol ? '14771-0' : '1558-6',
        mmol ? 'Fasting glucose [Moles/volume] in Serum or Plasma' : 'Fasting glucose [Mass/volume] in Serum or Plasma',
        'laboratory',
        { valueQuantity: quantity(mmol ? round(glucose / GLUCOSE_MG_PER_DL_PER_MMOL_PER_L, 1) : round(glucose, 0), unit) },
      );
      observation(last, '2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'laboratory', { valueQuantity: quantity(round(cholesterol, 0), 'mg/dL') });
    }
    const condition = (which: 'diabetes' | 'hypertension') => {
      const [code, display] = CONDITIONS[which][site.conditionCodes];
      const earliest = Math.min(refTime - 60 * DAY, Math.max(birth + 18 * 365 * DAY, refTime - 15 * 365 * DAY));
      const onset = earliest + rng.uniform() * Math.max(0, refTime - 30 * DAY - earliest);
      add('Condition', {
        id: uuid(rng),
        clinicalStatus: concept('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active', 'Active'),
        verificationStatus: concept('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'Confirmed'),
        category: [concept('http://terminology.hl7.org/CodeSystem/condition-category', 'encounter-diagnosis', 'Encounter Diagnosis')],
        code: concept(site.conditionCodes === 'snomed' ? SNOMED : ICD10CM, code, display),
        subject,
        onsetDateTime: isoDateTime(onset),
        recordedDate: isoDateTime(onset),
      });
      return onset;
    };
    const medication = (code: string, display: string, authored: number) =>
      add('MedicationRequest', {
        id: uuid(rng),
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: concept(RXNORM, code, display),
        subject,
        authoredOn: isoDateTime(authored),
      });
    if (diagnosed) {
      const onset = condition('diabetes');
      if (rng.uniform() < 0.85) medication('860975', '24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet', onset);
    }
    if (hypertension) {
      const onset = condition('hypertension');
      if (rng.uniform() < 0.7) medication('314076', 'lisinopril 10 MG Oral Tablet', onset);
    }
    summary.resources += resources.length;
    if (format === 'bundle') {
      const bundle = {
        resourceType: 'Bundle',
        type: 'collection',
        entry: resources.map((e) => ({ fullUrl: `urn:uuid:${(e.resource as { id: string }).id}`, resource: e.resource })),
      };
      bundles.push({ name: `patient-${String(i + 1).padStart(6, '0')}.json`, text: `${JSON.stringify(bundle, null, 1)}\n` });
    } else {
      for (const e of resources) byType[e.resource.resourceType as string].push(e.resource);
    }
  }
  const files =
    format === 'bundle'
      ? bundles
      : Object.entries(byType)
          .filter(([, list]) => list.length > 0)
          .map(([type, list]) => ({ name: `${type}.ndjson`, text: list.map((r) => JSON.stringify(r)).join('\n') + '\n' }));
  return { profile: site, files, summary };
}
