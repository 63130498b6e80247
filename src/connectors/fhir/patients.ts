import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { FhirRecord, FhirResource } from './resources.js';

/**
 * A site's resources grouped by patient. A resource belongs to the Patient its `subject` (or
 * `patient`) references: "Patient/123", an absolute ".../Patient/123", or a Bundle fullUrl such
 * as "urn:uuid:...". Several versions of one Patient (same fullUrl, or same id) are one patient:
 * the highest meta.versionId, else the last read, is kept.
 */
export interface PatientIndex {
  /** One Patient record per patient, in reading order. */
  readonly patients: FhirRecord[];
  /** Per patient: its other resources by resource type, in reading order. */
  readonly resources: Map<string, FhirRecord[]>[];
  /** Resources that name no patient, or a patient not in the file set (not used for features). */
  readonly unlinked: number;
  /** Extra versions of a Patient that were merged. */
  readonly duplicates: number;
}

const PATIENT_REF = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

function versionOf(r: FhirResource): number {
  const v = Number((r.meta as { versionId?: unknown } | undefined)?.versionId);
  return Number.isFinite(v) ? v : -Infinity;
}

export function indexPatients(records: readonly FhirRecord[]): PatientIndex {
  const patients: FhirRecord[] = [];
  const byKey = new Map<string, number>();
  let duplicates = 0;
  for (const rec of records) {
    if (rec.resource.resourceType !== 'Patient') continue;
    const keys = [rec.fullUrl, rec.resource.id !== undefined ? `Patient/${rec.resource.id}` : undefined].filter((k): k is string => k !== undefined);
    if (keys.length === 0) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `Patient${rec.at ? ` (${rec.at})` : ''} has neither an id nor a fullUrl, so no resource can refer to it`, {
        where: rec.where,
        hint: 'give every Patient an id',
      });
    }
    const existing = keys.map((k) => byKey.get(k)).find((i) => i !== undefined);
    if (existing !== undefined) {
      duplicates++;
      if (versionOf(rec.resource) >= versionOf(patients[existing].resource)) patients[existing] = rec;
      for (const k of keys) byKey.set(k, existing);
      continue;
    }
    for (const k of keys) byKey.set(k, patients.length);
    patients.push(rec);
  }
  const resources = patients.map(() => new Map<string, FhirRecord[]>());
  let unlinked = 0;
  for (const rec of records) {
    const r = rec.resource;
    if (r.resourceType === 'Patient') continue;
    const ref = ((r.subject ?? r.patient) as { reference?: unknown } | undefined)?.reference;
    let p: number | undefined;
    if (typeof ref === 'string') {
      p = byKey.get(ref);
      if (p === undefined) {
        const m = PATIENT_REF.exec(ref);
        if (m) p = byKey.get(`Patient/${m[1]}`);
      }
    }
    if (p === undefined) {
      unlinked++;
      continue;
    }
    const list = resources[p].get(r.resourceType) ?? [];
    list.push(rec);
    resources[p].set(r.resourceType, list);
  }
  return { patients, resources, unlinked, duplicates };
}

function periodStart(v: unknown): string | undefined {
  const s = (v as { start?: unknown } | undefined)?.start;
  return typeof s === 'string' ? s : undefined;
}

/**
 * When a resource happened (ms since the epoch; NaN when it carries no date): the clinically
 * relevant date of each type (effective[x], onset[x], period.start, authoredOn, performed[x],
 * occurrence[x], ...), then issued/recordedDate/date.
 */
export function resourceTime(r: FhirResource): number {
  const candidates = [
    r.effectiveDateTime,
    r.effectiveInstant,
    periodStart(r.effectivePeriod),
    r.onsetDateTime,
    periodStart(r.onsetPeriod),
    periodStart(r.period),
    r.authoredOn,
    r.performedDateTime,
    periodStart(r.performedPeriod),
    r.occurrenceDateTime,
    periodStart(r.billablePeriod),
    r.issued,
    r.recordedDate,
    r.date,
    r.created,
  ];
  for (const c of candidates) if (typeof c === 'string') return Date.parse(c);
  return NaN;
}
