import { resolve } from 'node:path';
import type { NiftiPatchesDataSpec } from '../../core/nifti-patches-spec.js';
import type { StudySpec } from '../../core/study-spec.js';
import { DEFAULT_STRUCTURES } from '../../imaging/brain-patches.js';
import { createNiftiPatchesSiteData, type NiftiPatchesSiteDataConfig } from '../../node/nifti-patch-site-data.js';
import type { SiteSummary } from '../../report/results-schema.js';
import type { StudyData } from '../study-data.js';
import { pooledSets } from './pooled-sets.js';

/**
 * 3D segmentation of one real MRI seen by simulated scanners (docs/segmentation.md): each site
 * builds its own patches (left hemisphere for training, right for testing) with its own scanner
 * effects; the simulator builds every site once more here for the pooled baseline and test set.
 */
export async function prepareNiftiPatchesStudyData(spec: StudySpec, d: NiftiPatchesDataSpec, baseDir: string): Promise<StudyData> {
  const structures = d.structures ?? DEFAULT_STRUCTURES;
  const sites = d.sites.map((id, i) => {
    const data: NiftiPatchesSiteDataConfig = {
      kind: 'nifti-patches',
      image: resolve(baseDir, d.image),
      labels: resolve(baseDir, d.labels),
      ...(d.structures ? { structures: d.structures } : {}),
      siteIndex: i,
      patchSize: d.patchSize,
      trainPatches: d.trainPatches,
      testPatches: d.testPatches,
      foregroundFraction: d.foregroundFraction,
      augment: d.augment,
      coordinates: d.coordinates,
      dataSeed: d.seed,
    };
    return { siteId: id, data };
  });
  const loaded = await Promise.all(sites.map(async (s) => ({ siteId: s.siteId, data: await createNiftiPatchesSiteData(s.data, s.siteId) })));
  const siteSummaries: SiteSummary[] = loaded.map((l) => ({ id: l.siteId, trainExamples: l.data.trainCount, testExamples: l.data.testCount }));
  const rows = siteSummaries.reduce((a, s) => a + s.trainExamples + s.testExamples, 0);
  const s = d.patchSize;
  return {
    sites,
    normalize: 'none',
    loss: 'voxel_softmax_cross_entropy',
    task: 'segmentation',
    dataset: {
      name: d.name ?? `MRI patches ${s}×${s}×${s} (${structures.map((x, i) => `${i + 1} ${x.name}`).join(', ')}) from ${d.sites.length} simulated scanners`,
      source: d.source ?? `${d.image} with labels ${d.labels}; scanner effects and patches by medfed (data seed ${d.seed})`,
      licence: d.licence ?? 'see the data files (Colin27 / AAL: data/imaging/README.md)',
      rows,
    },
    siteSummaries,
    excluded: {},
    notes: [`training patches from the left hemisphere, test patches from the right (no test voxel is a training voxel); classes: 0 background, ${structures.map((x, i) => `${i + 1} ${x.name}`).join(', ')}`],
    async materializeAll() {
      return pooledSets(loaded);
    },
  };
}
