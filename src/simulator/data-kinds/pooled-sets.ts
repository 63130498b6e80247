import { concatDatasets } from '../../core/dataset.js';
import type { Normalization } from '../../data/table.js';
import type { SiteData } from '../../site/site-data.js';
import type { StudyData } from '../study-data.js';

/**
 * The simulator's pooled view of the loaded sites (StudyData.materializeAll): every site's training
 * and test sets after the global normalisation, their unions, and each site's test set.
 */
export function pooledSets(loaded: readonly { readonly siteId: string; readonly data: SiteData }[], normalization?: Normalization): Awaited<ReturnType<StudyData['materializeAll']>> {
  const all = loaded.map((l) => ({ siteId: l.siteId, ...l.data.materialize(normalization) }));
  return {
    featureShape: all[0].train.featureShape,
    pooledTrain: concatDatasets(all.map((a) => a.train)),
    pooledTest: concatDatasets(all.map((a) => a.test)),
    siteTests: new Map(all.map((a) => [a.siteId, a.test])),
    siteTrains: new Map(all.map((a) => [a.siteId, a.train])),
  };
}
