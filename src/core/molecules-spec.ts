import { z } from 'zod';

/**
 * `data.kind: molecules` of a study spec (docs/drug-discovery.md): MELLODDY-style multi-task
 * drug discovery. Each site holds its own assay — its own molecules, labels and task
 * (regression or binary classification); all sites share the featurisation (Morgan fingerprint
 * bits + RDKit descriptors), so a shared trunk can be learnt federatedly while each site keeps
 * its head. Test sets are scaffold splits (Bemis-Murcko) made at each site.
 */
const siteId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"');
const task = z.enum(['regression', 'classification']);

export const moleculeSourceSchema = z.discriminatedUnion('format', [
  z.strictObject({
    format: z.literal('smi'),
    /** SMILES file (SMILES, then an id), relative to the spec file. */
    file: z.string().min(1),
    /** Labels from a CSV joined on the molecule id ... */
    activities: z.strictObject({ file: z.string().min(1), idColumn: z.string().min(1), valueColumn: z.string().min(1) }).optional(),
    /** ... or from a file with one value per line, in the order of the SMILES file. */
    labels: z.string().min(1).optional(),
  }),
  z.strictObject({
    format: z.literal('sdf'),
    file: z.string().min(1),
    /** SDF data item holding the label, e.g. ACTIVITY. */
    property: z.string().min(1),
  }),
]);
export type MoleculeSource = z.infer<typeof moleculeSourceSchema>;

export const moleculesSiteSchema = z
  .strictObject({
    id: siteId,
    /** What the site's assay measures: a value (mse on standardised targets) or a 0/1 class (sigmoid cross-entropy). */
    task,
    source: moleculeSourceSchema,
  })
  .refine((s) => s.source.format !== 'smi' || (s.source.activities === undefined) !== (s.source.labels === undefined), {
    message: 'a SMILES source needs exactly one of "activities" and "labels"',
    path: ['source'],
  });

export const moleculesDataSchema = z.strictObject({
  kind: z.literal('molecules'),
  sites: z.array(moleculesSiteSchema).min(2),
  features: z
    .strictObject({
      radius: z.number().int().min(1).max(4).default(2),
      bits: z.number().int().min(64).max(8192).default(2048),
      /** RDKit descriptors appended to the bits, z-scored with each site's own training mean and std. */
      descriptors: z.array(z.string().min(1)).default([]),
    })
    .default({ radius: 2, bits: 2048, descriptors: [] }),
  testFraction: z.number().gt(0).lt(1).default(0.2),
  /** A structure RDKit cannot read: stop with an error naming file and line (default), or leave the molecule out (counted in the site summary log). */
  invalidMolecules: z.enum(['error', 'skip']).default('error'),
  name: z.string().optional(),
  source: z.string().optional(),
  licence: z.string().optional(),
});

export type MoleculesDataSpec = z.infer<typeof moleculesDataSchema>;
export type MoleculesSiteSpec = z.infer<typeof moleculesSiteSchema>;
