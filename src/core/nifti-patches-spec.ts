import { z } from 'zod';

/**
 * `data.kind: nifti-patches` of a study spec (docs/segmentation.md): 3D segmentation patches of
 * one real MRI with atlas labels. Every site is a simulated scanner (its own contrast, bias field,
 * blur and noise) imaging the same subject; training patches come from the left hemisphere, test
 * patches from the right, so no test voxel was ever seen in training.
 */
const siteId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"');

export const niftiPatchesDataSchema = z
  .strictObject({
    kind: z.literal('nifti-patches'),
    /** The MRI (.nii/.nii.gz), relative to the spec file. */
    image: z.string().min(1),
    /** The atlas label volume, relative to the spec file (resampled to the MRI grid, nearest neighbour). */
    labels: z.string().min(1),
    /** Classes 1.. : each a list of atlas label ids merged into one structure (default: AAL hippocampus, amygdala, thalamus). */
    structures: z
      .array(z.strictObject({ name: z.string().min(1), labels: z.array(z.number().int().nonnegative()).min(1) }))
      .min(1)
      .max(254)
      .optional(),
    /** One simulated scanner per site. */
    sites: z.array(siteId).min(2),
    patchSize: z.number().int().min(4).max(64).default(16),
    trainPatches: z.number().int().min(1).default(48),
    testPatches: z.number().int().min(1).default(16),
    /** Share of patches centred on a structure (the rest on random brain voxels). */
    foregroundFraction: z.number().min(0).max(1).default(0.75),
    /** Flip and intensity-jitter training patches. */
    augment: z.boolean().default(true),
    /** Position channels (|x| from the midline, y, z) besides the intensity: input [s, s, s, 4]. */
    coordinates: z.boolean().default(true),
    /** Scanner profiles and patch sampling. */
    seed: z.number().int().default(1),
    name: z.string().optional(),
    source: z.string().optional(),
    licence: z.string().optional(),
  })
  .refine((d) => new Set(d.sites).size === d.sites.length, { message: 'site ids must be distinct', path: ['sites'] });
export type NiftiPatchesDataSpec = z.infer<typeof niftiPatchesDataSchema>;
