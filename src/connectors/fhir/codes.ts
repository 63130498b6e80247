import { z } from 'zod';

/** Short names for the code systems feature specs use most; any other system is written as its URI. */
export const SYSTEM_ALIASES: Readonly<Record<string, string>> = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  sct: 'http://snomed.info/sct',
  'icd-10': 'http://hl7.org/fhir/sid/icd-10',
  'icd-10-cm': 'http://hl7.org/fhir/sid/icd-10-cm',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  ucum: 'http://unitsofmeasure.org',
};

/** A code a feature or a site's mapping matches: exact, or every code starting with `code` ("E11*"). */
export interface CodeMatcher {
  readonly system: string;
  readonly code: string;
  readonly prefix: boolean;
  /** As written in the spec ("snomed|44054006"). */
  readonly text: string;
}

/**
 * "system|code" where system is an alias (loinc, snomed, icd-10-cm, rxnorm, ...) or a URI; a
 * trailing "*" matches every code with that prefix ("icd-10-cm|E11*" matches E11.9, E11.65).
 */
export const codeText = z
  .string()
  .regex(/^[^|\s]+\|[^|\s]+$/, 'write a code as "system|code", e.g. "loinc|4548-4", "snomed|44054006", "icd-10-cm|E11*"');

export function parseCode(text: string): CodeMatcher {
  const bar = text.indexOf('|');
  const alias = text.slice(0, bar);
  let code = text.slice(bar + 1);
  const prefix = code.endsWith('*');
  if (prefix) code = code.slice(0, -1);
  return { system: SYSTEM_ALIASES[alias.toLowerCase()] ?? alias, code, prefix, text };
}

/** The key a mapping is looked up by: "http://snomed.info/sct|44054006". */
export function codeKey(m: Pick<CodeMatcher, 'system' | 'code'>): string {
  return `${m.system}|${m.code}`;
}

/** The short name of a system URI (for messages): "snomed", "icd-10-cm", or the URI itself. */
export function systemName(uri: string): string {
  for (const [alias, u] of Object.entries(SYSTEM_ALIASES)) if (u === uri && alias !== 'sct') return alias;
  return uri;
}

export interface Coding {
  readonly system?: string;
  readonly code?: string;
}

/** The codings of a CodeableConcept-shaped value (anything else: none). */
export function codingsOf(concept: unknown): Coding[] {
  const coding = (concept as { coding?: unknown } | undefined)?.coding;
  return Array.isArray(coding) ? (coding.filter((c) => typeof c === 'object' && c !== null) as Coding[]) : [];
}

/** The first matcher that matches one of the codings, with the coding it matched. */
export function matchCodings(codings: readonly Coding[], matchers: readonly CodeMatcher[]): { matcher: CodeMatcher; coding: Coding } | undefined {
  for (const matcher of matchers) {
    for (const coding of codings) {
      if (coding.system !== matcher.system || typeof coding.code !== 'string') continue;
      if (matcher.prefix ? coding.code.startsWith(matcher.code) : coding.code === matcher.code) return { matcher, coding };
    }
  }
  return undefined;
}
