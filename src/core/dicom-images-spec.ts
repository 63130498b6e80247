import { z } from 'zod';

/**
 * `data.kind: dicom-images` of a study spec (docs/imaging.md): each site is a folder of DICOM
 * images with a manifest (file,label); every image is windowed, resampled to `image.size` and
 * normalised per image. With `generate`, a site folder without a manifest is first filled by the
 * synthetic chest X-ray generator (site k gets acquisition profile k mod 4).
 */
const positiveInt = z.number().int().positive();

export const dicomImagesSiteSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
    /** Folder holding the images and `manifest.csv`, relative to the spec file. */
    dir: z.string().min(1).optional(),
    /** Manifest file (file,label), relative to the spec file; image paths are relative to it. */
    manifest: z.string().min(1).optional(),
  })
  .refine((s) => (s.dir === undefined) !== (s.manifest === undefined), { message: 'give exactly one of "dir" and "manifest"' });

export const dicomImagesDataSchema = z
  .strictObject({
    kind: z.literal('dicom-images'),
    sites: z.array(dicomImagesSiteSchema).min(2),
    image: z.strictObject({
      /** [height, width] every image is resampled to; the model input is [height, width, 1]. */
      size: z.tuple([positiveInt, positiveInt]),
      window: z.enum(['file', 'minmax']).default('file'),
      normalize: z.enum(['zscore', 'minmax', 'none']).default('zscore'),
    }),
    testFraction: z.number().gt(0).lt(1).default(0.25),
    /** Provenance and licence shown in the report (defaults describe generated data). */
    name: z.string().optional(),
    source: z.string().optional(),
    licence: z.string().optional(),
    /** Create missing site folders with the synthetic chest X-ray generator. */
    generate: z
      .strictObject({
        generator: z.literal('chest-xray').default('chest-xray'),
        perSite: positiveInt,
        seed: z.number().int(),
      })
      .optional(),
  })
  .refine((d) => !d.generate || d.sites.every((s) => s.dir !== undefined), {
    message: 'with "generate", every site needs a "dir" (the folder the generator fills)',
    path: ['sites'],
  })
  .refine((d) => new Set(d.sites.map((s) => s.id)).size === d.sites.length, { message: 'site ids must be distinct', path: ['sites'] });

export type DicomImagesDataSpec = z.infer<typeof dicomImagesDataSchema>;
