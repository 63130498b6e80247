import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { jsonErrorOffset, lineColumn } from './json-position.js';
import type { FhirRecord, FhirResource } from './resources.js';
import { validateRecord } from './validate.js';

/** Whether a file name is bulk-export NDJSON (one resource per line) rather than one JSON document. */
export function isNdjsonName(fileName: string): boolean {
  return /\.(ndjson|jsonl)$/i.test(fileName);
}

function syntaxError(text: string, fileName: string, lineOffset: number, what: string): MedfedError {
  const { offset, reason } = jsonErrorOffset(text);
  const { line, column } = lineColumn(text, Math.max(0, offset));
  return new MedfedError(ErrorCodes.DATA_UNREADABLE, `${what} is not valid JSON: ${reason}`, {
    where: `${fileName}:${line + lineOffset}:${column}`,
    hint: 'fix the JSON at that position (a missing comma or quote, or a truncated file); nothing from this file set was imported',
  });
}

function parseJson(text: string, fileName: string, lineOffset: number, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw syntaxError(text, fileName, lineOffset, what);
  }
}

function asResource(value: unknown, where: string, what: string): FhirResource {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${what} is not a FHIR resource (expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value})`, {
      where,
      hint: 'each file holds one resource or one Bundle (JSON), or one resource per line (NDJSON)',
    });
  }
  const rt = (value as { resourceType?: unknown }).resourceType;
  if (typeof rt !== 'string' || rt === '') {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${what} has no resourceType`, {
      where,
      hint: 'every FHIR resource names its type in "resourceType" (e.g. "Patient", "Observation")',
    });
  }
  return value as FhirResource;
}

/** The resources of a Bundle's entries, each validated; a nested Bundle is validated and its entries taken in its place. */
function bundleRecords(bundle: FhirResource, file: string, prefix: string, out: FhirRecord[]): void {
  const entries = bundle.entry;
  if (entries === undefined) return;
  const label = `Bundle${bundle.id ? `/${bundle.id}` : ''}`;
  if (!Array.isArray(entries)) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${label}: "entry" is not an array`, { where: `${file} ${prefix || 'Bundle'}` });
  }
  entries.forEach((entry: unknown, i) => {
    const at = `${prefix}entry[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${label} ${at} is not an object`, { where: `${file} ${at}` });
    }
    const e = entry as { resource?: unknown; fullUrl?: unknown };
    if (e.resource === undefined) return; // e.g. a DELETE request or a response without a body
    const resource = asResource(e.resource, `${file} ${at}`, `${label} ${at}.resource`);
    const fullUrl = typeof e.fullUrl === 'string' ? e.fullUrl : undefined;
    const rec: FhirRecord = { resource, file, at, where: `${file} ${at}`, fullUrl, position: i + 1 };
    validateRecord(rec);
    if (resource.resourceType === 'Bundle') bundleRecords(resource, file, `${at}.resource.`, out);
    else out.push(rec);
  });
}

/**
 * The resources in one file's text: a single resource or a Bundle (JSON), or one resource per
 * line (NDJSON, bulk export; chosen by a .ndjson/.jsonl name). Every resource is validated
 * (src/connectors/fhir/validate.ts). Bad JSON is DATA_UNREADABLE at file:line:column; a resource
 * that does not fit is DATA_INVALID naming the file, the entry or line, and the resource.
 * Isomorphic (takes text, not a path).
 */
export function parseFhirText(text: string, fileName: string): FhirRecord[] {
  const out: FhirRecord[] = [];
  if (isNdjsonName(fileName)) {
    const lines = text.split(/\r\n|\n|\r/);
    let nonEmpty = 0;
    lines.forEach((raw, i) => {
      const lineText = i === 0 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (lineText.trim() === '') return;
      nonEmpty++;
      const where = `${fileName}:${i + 1}`;
      const resource = asResource(parseJson(lineText, fileName, i, `line ${i + 1}`), where, `line ${i + 1}`);
      const rec: FhirRecord = { resource, file: fileName, at: `line ${i + 1}`, where, position: i + 1 };
      validateRecord(rec);
      if (resource.resourceType === 'Bundle') bundleRecords(resource, fileName, `line ${i + 1} `, out);
      else out.push(rec);
    });
    if (nonEmpty === 0) {
      throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `${fileName} holds no resources`, { where: fileName, hint: 'an NDJSON file has one FHIR resource (JSON) per line' });
    }
    return out;
  }
  if (text.trim() === '') {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `${fileName} is empty`, { where: fileName, hint: 'expected a FHIR resource or Bundle (JSON)' });
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const resource = asResource(parseJson(body, fileName, 0, fileName), fileName, fileName);
  const rec: FhirRecord = { resource, file: fileName, at: '', where: fileName, position: 1 };
  validateRecord(rec);
  if (resource.resourceType === 'Bundle') {
    bundleRecords(resource, fileName, '', out);
  } else {
    out.push(rec);
  }
  return out;
}
