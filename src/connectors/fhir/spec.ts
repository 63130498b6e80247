import { z } from 'zod';
import { fhirFeaturesSchema, fhirSiteOptionsSchema } from './features-spec.js';

/**
 * The `data` block of a study that reads FHIR R4 files per site (docs/fhir.md, "Study"):
 *
 *   data:
 *     kind: fhir
 *     features: features.yaml          # or the features spec inline
 *     sites:
 *       - { id: site-a, path: sites/site-a }
 *       - { id: site-c, path: sites/site-c, codeMap: { "snomed|44054006": ["icd-10-cm|E11*"] } }
 *     generate: { seed: 11, patients: 800 }   # optional: create missing site folders first
 *
 * Every site is its own table (its patients are its rows): no partitioning. Paths are relative
 * to the study spec. Plugged into the study `data` union by the simulator.
 */
const siteId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"');

export const fhirStudySiteSchema = z.strictObject({
  id: siteId,
  /** A folder (read recursively: *.json Bundles/resources, *.ndjson bulk export) or a list of files/folders. */
  path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  codeMap: fhirSiteOptionsSchema.shape.codeMap,
  units: fhirSiteOptionsSchema.shape.units,
});

export const fhirDataSchema = z
  .strictObject({
    kind: z.literal('fhir'),
    /** The features spec: a YAML file relative to the study spec, or inline. */
    features: z.union([z.string().min(1), fhirFeaturesSchema]),
    sites: z.array(fhirStudySiteSchema).min(2),
    /** Generate the site folders with the Synthea-like generator when they do not exist (sites take the default profiles in order). */
    generate: z
      .strictObject({
        seed: z.number().int(),
        patients: z.number().int().positive().max(100_000),
        format: z.enum(['ndjson', 'bundle']).default('ndjson'),
        referenceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
      })
      .optional(),
    /** Pre-flight check before the job: stop when a site does not fit, or only print the mismatches. */
    preflight: z.enum(['stop-on-error', 'warn']).default('stop-on-error'),
    source: z.string().optional(),
    licence: z.string().optional(),
    testFraction: z.number().gt(0).lt(1).default(0.25),
    normalize: z.enum(['federated-zscore', 'none']).default('federated-zscore'),
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.sites.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', message: `site "${s.id}" is listed twice`, path: ['sites', i, 'id'] });
      seen.add(s.id);
    });
  });

export type FhirDataSpec = z.output<typeof fhirDataSchema>;
export type FhirStudySite = z.output<typeof fhirStudySiteSchema>;
