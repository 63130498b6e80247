import type { TabularSchema } from '../../connectors/csv/schema.js';
import { createSiteData, type SiteDataConfig } from '../../node/site-data-config.js';
import type { SiteSummary } from '../../report/results-schema.js';
import type { StudyData } from '../study-data.js';
import { pooledSets } from './pooled-sets.js';

/**
 * StudyData for tabular sites (CSV rows, FHIR extractions): every site loads its own data as it
 * will in the worker, the summaries count its labels, and a survival label trains a Cox model.
 */
export async function tabularStudyData(o: {
  readonly schema: TabularSchema;
  /** Each site's config and the labels of all its rows (class index; survival: the event indicator). */
  readonly sites: readonly { readonly siteId: string; readonly data: SiteDataConfig; readonly labels: ArrayLike<number> }[];
  readonly numClasses: number;
  readonly survival: boolean;
  readonly normalize: StudyData['normalize'];
  readonly dataset: StudyData['dataset'];
  readonly excluded: Record<string, string>;
}): Promise<StudyData> {
  const loaded = await Promise.all(o.sites.map(async (s) => ({ siteId: s.siteId, data: await createSiteData(s.data, s.siteId) })));
  const siteSummaries: SiteSummary[] = o.sites.map((s, i) => {
    const counts = new Array<number>(o.numClasses).fill(0);
    for (let r = 0; r < s.labels.length; r++) counts[s.labels[r]]++;
    return {
      id: s.siteId,
      trainExamples: loaded[i].data.trainCount,
      testExamples: loaded[i].data.testCount,
      ...(o.survival ? { events: counts[1] } : o.numClasses === 2 ? { positives: counts[1] } : { classCounts: counts }),
    };
  });
  return {
    schema: o.schema,
    sites: o.sites.map((s) => ({ siteId: s.siteId, data: s.data })),
    normalize: o.normalize,
    // A survival label (time, event) trains a Cox model; a class label a classifier.
    loss: o.survival ? 'cox' : 'softmax_cross_entropy',
    task: o.survival ? 'survival' : o.numClasses === 2 ? 'binary' : 'multiclass',
    dataset: o.dataset,
    siteSummaries,
    excluded: o.excluded,
    async materializeAll(normalization) {
      return pooledSets(loaded, normalization);
    },
  };
}
