import { path2Type, type2Parent } from 'fhirpath/fhir-context/r4';

/** A FHIR resource as parsed JSON (only resourceType is guaranteed). */
export interface FhirResource {
  readonly resourceType: string;
  readonly id?: string;
  readonly [element: string]: unknown;
}

/** One resource read from a file, with where it came from (for messages). */
export interface FhirRecord {
  readonly resource: FhirResource;
  /** File the resource was read from. */
  readonly file: string;
  /** Location inside the file: "entry[3]" in a Bundle, "line 7" in NDJSON, "" for a single-resource file. */
  readonly at: string;
  /** For `where` in errors: "file:line" (NDJSON) or "file entry[3]" (Bundle). */
  readonly where: string;
  /** Bundle entry fullUrl, if any (references such as "urn:uuid:..." resolve to it). */
  readonly fullUrl?: string;
  /** 1-based position used as the table's `lines` entry: NDJSON line, else entry index + 1. */
  readonly position: number;
}

/** The resource types of FHIR R4 (from the fhirpath R4 model: every type whose parent is Resource or DomainResource). */
export const R4_RESOURCE_TYPES: ReadonlySet<string> = new Set(
  Object.entries(type2Parent as Record<string, string>)
    .filter(([, parent]) => parent === 'Resource' || parent === 'DomainResource')
    .map(([name]) => name),
);

const elements = path2Type as Record<string, string>;

/** Whether `element` is a top-level element of R4 resource type `type` (choice types expanded: valueQuantity). */
export function isR4Element(type: string, element: string): boolean {
  return elements[`${type}.${element}`] !== undefined;
}

/** "Observation/123" or "Observation (no id)". */
export function describeResource(r: FhirResource): string {
  return typeof r.id === 'string' && r.id !== '' ? `${r.resourceType}/${r.id}` : `${r.resourceType} (no id)`;
}
