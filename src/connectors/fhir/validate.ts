import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { describeResource, isR4Element, R4_RESOURCE_TYPES, type FhirRecord, type FhirResource } from './resources.js';

/**
 * Structural validation of one resource against FHIR R4, enough to extract features safely:
 * - resourceType is an R4 resource type (case-sensitive), id (if any) is a valid FHIR id;
 * - every top-level element is an element of that type in the R4 model (so a misspelt
 *   "valueQuantiy" is caught rather than read as "no value"), "_x" primitive extensions allowed;
 * - the types medfed extracts (Patient, Observation, Condition, Encounter, MedicationRequest)
 *   have their required (1..1) elements and well-formed dates, codes and quantities.
 * Not a full profile validator: cardinalities and types below the top level are checked only
 * for the elements feature extraction reads. Throws DATA_INVALID naming the file, the entry or
 * line, the resource and the element.
 */
export function validateRecord(rec: FhirRecord): void {
  const r = rec.resource;
  const fail = (what: string, hint: string): never => {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${describeResource(r)}${rec.at ? ` (${rec.at})` : ''}: ${what}`, { where: rec.where, hint });
  };
  if (!R4_RESOURCE_TYPES.has(r.resourceType)) {
    const near = [...R4_RESOURCE_TYPES].find((t) => t.toLowerCase() === r.resourceType.toLowerCase());
    fail(`unknown resource type "${r.resourceType}" (not a FHIR R4 resource type)`, near ? `did you mean "${near}"? Resource types are case-sensitive` : 'see the R4 resource list at https://hl7.org/fhir/R4/resourcelist.html');
  }
  if (r.id !== undefined && (typeof r.id !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(r.id))) {
    fail(`id ${JSON.stringify(r.id)} is not a valid FHIR id (1-64 letters, digits, "-" and ".")`, 'fix the id');
  }
  for (const key of Object.keys(r)) {
    if (key === 'resourceType' || key === 'fhir_comments') continue;
    const base = key.startsWith('_') ? key.slice(1) : key;
    if (!isR4Element(r.resourceType, base)) {
      fail(`"${key}" is not an element of ${r.resourceType} in FHIR R4`, `check its spelling (see https://hl7.org/fhir/R4/${r.resourceType.toLowerCase()}.html)`);
    }
  }
  const check = structure[r.resourceType];
  if (check) check(r, fail);
}

type Fail = (what: string, hint: string) => never;

const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const DATE_TIME = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function requireString(r: FhirResource, key: string, fail: Fail, allowed?: readonly string[]): void {
  const v = r[key];
  if (v === undefined) fail(`required element "${key}" is missing`, `R4 requires ${r.resourceType}.${key} (1..1)`);
  if (typeof v !== 'string' || v === '') fail(`"${key}" must be a non-empty string`, `fix ${r.resourceType}.${key}`);
  if (allowed && !allowed.includes(v as string)) fail(`"${key}" is "${String(v)}", not one of ${allowed.join(', ')}`, `use an R4 code for ${r.resourceType}.${key}`);
}

function requireObject(r: FhirResource, key: string, fail: Fail, hint: string): void {
  if (r[key] === undefined) fail(`required element "${key}" is missing`, hint);
  if (!isObject(r[key])) fail(`"${key}" must be a JSON object`, hint);
}

function checkDate(r: FhirResource, key: string, fail: Fail, pattern = DATE_TIME): void {
  const v = r[key];
  if (v === undefined) return;
  if (typeof v !== 'string' || !pattern.test(v)) fail(`"${key}" is ${JSON.stringify(v)}, not a FHIR ${pattern === DATE ? 'date (YYYY, YYYY-MM or YYYY-MM-DD)' : 'dateTime'}`, `fix ${r.resourceType}.${key}`);
}

function checkCodeable(r: FhirResource, key: string, fail: Fail): void {
  const v = r[key];
  if (v === undefined) return;
  if (!isObject(v)) fail(`"${key}" must be a CodeableConcept (JSON object)`, `fix ${r.resourceType}.${key}`);
  const coding = (v as { coding?: unknown }).coding;
  if (coding !== undefined && (!Array.isArray(coding) || coding.some((c) => !isObject(c)))) {
    fail(`"${key}.coding" must be an array of Coding objects`, `fix ${r.resourceType}.${key}.coding`);
  }
}

function checkQuantity(r: FhirResource, key: string, fail: Fail): void {
  const q = r[key];
  if (q === undefined) return;
  if (!isObject(q)) fail(`"${key}" must be a Quantity (JSON object)`, `fix ${r.resourceType}.${key}`);
  const { value, unit, code, system } = q as Record<string, unknown>;
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    fail(`"${key}.value" is ${JSON.stringify(value)}, not a number`, 'a Quantity value is a JSON number (not a string)');
  }
  for (const [k, v] of Object.entries({ unit, code, system })) {
    if (v !== undefined && typeof v !== 'string') fail(`"${key}.${k}" must be a string`, `fix ${r.resourceType}.${key}.${k}`);
  }
}

function checkReference(r: FhirResource, key: string, fail: Fail, required: boolean): void {
  const v = r[key];
  if (v === undefined) {
    if (required) fail(`required element "${key}" is missing`, `R4 requires ${r.resourceType}.${key} (a Reference to the patient)`);
    return;
  }
  if (!isObject(v)) fail(`"${key}" must be a Reference (JSON object)`, `fix ${r.resourceType}.${key}`);
  const ref = (v as { reference?: unknown }).reference;
  if (ref !== undefined && typeof ref !== 'string') fail(`"${key}.reference" must be a string`, `fix ${r.resourceType}.${key}.reference`);
}

const VALUE_KEYS = ['valueQuantity', 'valueCodeableConcept', 'valueString', 'valueBoolean', 'valueInteger', 'valueRange', 'valueRatio', 'valueSampledData', 'valueTime', 'valueDateTime', 'valuePeriod'];

const structure: Record<string, (r: FhirResource, fail: Fail) => void> = {
  Patient(r, fail) {
    if (r.gender !== undefined) requireString(r, 'gender', fail, ['male', 'female', 'other', 'unknown']);
    checkDate(r, 'birthDate', fail, DATE);
    checkDate(r, 'deceasedDateTime', fail);
  },
  Observation(r, fail) {
    requireString(r, 'status', fail, ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown']);
    requireObject(r, 'code', fail, 'R4 requires Observation.code (what was observed, e.g. a LOINC coding)');
    checkCodeable(r, 'code', fail);
    const values = VALUE_KEYS.filter((k) => r[k] !== undefined);
    if (values.length > 1) fail(`has ${values.length} values (${values.join(', ')}); value[x] takes one`, 'keep one value[x] element');
    if (values.length === 1 && r.dataAbsentReason !== undefined) fail('has both a value and a dataAbsentReason', 'R4 (obs-6): dataAbsentReason only when there is no value');
    checkQuantity(r, 'valueQuantity', fail);
    checkCodeable(r, 'valueCodeableConcept', fail);
    checkDate(r, 'effectiveDateTime', fail);
    checkDate(r, 'effectiveInstant', fail);
    checkReference(r, 'subject', fail, false);
    if (r.component !== undefined) {
      if (!Array.isArray(r.component)) fail('"component" must be an array', 'fix Observation.component');
      (r.component as unknown[]).forEach((c, i) => {
        if (!isObject(c) || !isObject(c.code)) fail(`component[${i}] has no code`, 'each Observation.component needs a code (1..1)');
        checkQuantity(c as FhirResource, 'valueQuantity', (what, hint) => fail(`component[${i}]: ${what}`, hint));
      });
    }
  },
  Condition(r, fail) {
    checkReference(r, 'subject', fail, true);
    checkCodeable(r, 'code', fail);
    checkCodeable(r, 'clinicalStatus', fail);
    checkCodeable(r, 'verificationStatus', fail);
    checkDate(r, 'onsetDateTime', fail);
    checkDate(r, 'recordedDate', fail);
    checkDate(r, 'abatementDateTime', fail);
  },
  Encounter(r, fail) {
    requireString(r, 'status', fail, ['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled', 'entered-in-error', 'unknown']);
    requireObject(r, 'class', fail, 'R4 requires Encounter.class (a Coding, e.g. AMB, IMP)');
    checkReference(r, 'subject', fail, false);
    if (r.period !== undefined) {
      if (!isObject(r.period)) fail('"period" must be a Period (JSON object)', 'fix Encounter.period');
      checkDate(r.period as FhirResource, 'start', (w, h) => fail(`period: ${w}`, h));
      checkDate(r.period as FhirResource, 'end', (w, h) => fail(`period: ${w}`, h));
    }
  },
  MedicationRequest(r, fail) {
    requireString(r, 'status', fail);
    requireString(r, 'intent', fail);
    checkReference(r, 'subject', fail, true);
    if (r.medicationCodeableConcept === undefined && r.medicationReference === undefined) {
      fail('required element "medication[x]" is missing', 'R4 requires medicationCodeableConcept or medicationReference');
    }
    checkCodeable(r, 'medicationCodeableConcept', fail);
    checkDate(r, 'authoredOn', fail);
  },
};
