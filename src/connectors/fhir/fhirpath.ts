import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { ErrorCodes, MedfedError } from '../../core/errors.js';

/** A compiled FHIRPath expression evaluated with the R4 model; returns the result collection. */
export type FhirPathFn = (resource: unknown, env?: Record<string, unknown>) => unknown[];

/**
 * Compiles a FHIRPath expression (fhirpath.js, R4 model) once; a syntax error is CONFIG_INVALID
 * naming `where` (e.g. "features[3].where"). An evaluation error is DATA_INVALID naming the resource.
 */
export function compileFhirPath(expression: string, where: string): FhirPathFn {
  let fn: (resource: unknown, env?: Record<string, unknown>) => unknown;
  try {
    fn = fhirpath.compile(expression, r4) as unknown as typeof fn;
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `FHIRPath expression "${expression}" does not parse: ${(e as Error).message.split('\n')[0]}`, {
      where,
      hint: 'check the expression against the FHIRPath grammar (https://hl7.org/fhirpath/)',
      cause: e,
    });
  }
  return (resource, env) => {
    try {
      const out = fn(resource, env);
      return Array.isArray(out) ? out : [out];
    } catch (e) {
      const r = resource as { resourceType?: string; id?: string };
      throw new MedfedError(ErrorCodes.DATA_INVALID, `FHIRPath "${expression}" failed on ${r.resourceType ?? 'resource'}/${r.id ?? '?'}: ${(e as Error).message}`, {
        where,
        hint: 'fix the expression so that it works on every resource it is applied to',
        cause: e,
      });
    }
  };
}
