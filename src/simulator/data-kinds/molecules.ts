import { resolve } from 'node:path';
import type { LossName } from '../../core/model-spec.js';
import type { MoleculeSource, MoleculesDataSpec } from '../../core/molecules-spec.js';
import type { StudySpec } from '../../core/study-spec.js';
import { createMoleculeSiteData, type MoleculeSiteData, type MoleculesSiteDataConfig } from '../../node/molecule-site-data.js';
import type { SiteSummary } from '../../report/results-schema.js';
import type { StudyData } from '../study-data.js';

function resolveSource(s: MoleculeSource, baseDir: string): MoleculeSource {
  if (s.format === 'sdf') return { ...s, file: resolve(baseDir, s.file) };
  return {
    ...s,
    file: resolve(baseDir, s.file),
    ...(s.activities ? { activities: { ...s.activities, file: resolve(baseDir, s.activities.file) } } : {}),
    ...(s.labels ? { labels: resolve(baseDir, s.labels) } : {}),
  };
}

/**
 * Molecules, one assay per site (MELLODDY-like): each site reads its own molecule file, featurises
 * it with RDKit and splits it by scaffold; its task (regression or classification) gives its
 * loss. The model's last layer is the task head (one output at every site, so the layout is
 * shared); fedper keeps it private. The simulator loads every site once more for the pooled
 * multi-task baseline and the site summaries.
 */
export async function prepareMoleculesStudyData(spec: StudySpec, d: MoleculesDataSpec, baseDir: string): Promise<StudyData> {
  const sites = d.sites.map((s) => {
    const data: MoleculesSiteDataConfig = {
      kind: 'molecules',
      task: s.task,
      source: resolveSource(s.source, baseDir),
      features: { radius: d.features.radius, bits: d.features.bits, descriptors: d.features.descriptors },
      testFraction: d.testFraction,
      seed: spec.seed,
      invalidMolecules: d.invalidMolecules,
    };
    return { siteId: s.id, data };
  });
  const loaded: { siteId: string; data: MoleculeSiteData }[] = [];
  for (const s of sites) loaded.push({ siteId: s.siteId, data: await createMoleculeSiteData(s.data, s.siteId) });
  const skipped = Object.fromEntries(loaded.filter((l) => l.data.skipped.length > 0).map((l) => [l.siteId, l.data.skipped]));
  const siteLoss: Record<string, LossName> = Object.fromEntries(loaded.map((l) => [l.siteId, l.data.loss!]));
  const siteSummaries: SiteSummary[] = loaded.map((l) => ({
    id: l.siteId,
    trainExamples: l.data.trainCount,
    testExamples: l.data.testCount,
    task: l.data.task === 'regression' ? 'regression' : 'binary',
    ...(l.data.positives !== undefined ? { positives: l.data.positives } : {}),
  }));
  const rows = loaded.reduce((a, l) => a + l.data.trainCount + l.data.testCount, 0);
  return {
    sites,
    normalize: 'none',
    loss: 'mse',
    task: 'multi-task',
    multiTask: { siteLoss },
    dataset: {
      name: d.name ?? `Molecules: ${sites.map((s) => s.siteId).join(', ')}`,
      source: d.source ?? sites.map((s) => s.data.source.file).join(', '),
      licence: d.licence ?? 'not stated',
      rows,
    },
    ...(Object.keys(skipped).length > 0 ? { notes: Object.entries(skipped).map(([id, where]) => `site ${id}: ${where.length} molecule(s) RDKit cannot read left out (${where.join('; ')})`) } : {}),
    siteSummaries,
    excluded: {},
    async materializeAll() {
      const all = loaded.map((l) => ({ siteId: l.siteId, ...l.data.materialize() }));
      return {
        featureShape: all[0].train.featureShape,
        // Each site's own task: the pooled sets are only for shape; multi-task runs use the per-site sets.
        pooledTrain: all[0].train,
        pooledTest: all[0].test,
        siteTests: new Map(all.map((a) => [a.siteId, a.test])),
        siteTrains: new Map(all.map((a) => [a.siteId, a.train])),
      };
    },
  };
}
