import type { TabularSchema } from '../connectors/csv/schema.js';
import type { Dataset } from '../core/dataset.js';
import type { LossName } from '../core/model-spec.js';
import type { StudySpec } from '../core/study-spec.js';
import type { Normalization } from '../data/table.js';
import type { TaskKind } from '../eval/task.js';
import type { SiteDataConfig } from '../node/site-data-config.js';
import type { SiteSummary } from '../report/results-schema.js';
import { prepareCsvStudyData } from './data-kinds/csv.js';
import { prepareDicomImagesStudyData } from './data-kinds/dicom-images.js';
import { prepareEcgSyntheticStudyData } from './data-kinds/ecg-synthetic.js';
import { prepareFhirStudyData } from './data-kinds/fhir.js';
import { prepareMoleculesStudyData } from './data-kinds/molecules.js';
import { prepareNiftiPatchesStudyData } from './data-kinds/nifti-patches.js';

/**
 * The simulator's view of a study's data: how the rows are split into sites (each site then
 * loads, splits and summarises its own rows, like a real one), plus — a simulator privilege — the
 * pooled training and test sets for the pooled baseline and pooled-test evaluation.
 */
export interface StudyData {
  /** Tabular data: the feature schema federated normalisation runs over (absent for images, molecules...). */
  readonly schema?: TabularSchema;
  readonly sites: readonly { readonly siteId: string; readonly data: SiteDataConfig }[];
  readonly normalize: 'federated-zscore' | 'none';
  readonly loss: LossName;
  readonly task: TaskKind;
  readonly dataset: { name: string; source: string; licence: string; rows: number };
  readonly siteSummaries: SiteSummary[];
  /** Sites left out (fewer rows than partition.minRows), with the reason. */
  readonly excluded: Record<string, string>;
  /** Things the user should know about the data (e.g. molecules left out), printed and logged at the start. */
  readonly notes?: readonly string[];
  /**
   * Multi-task data (kind molecules): each site is its own task with its own loss (`loss` above is
   * only the job model's default); there is no meaningful pooled test set (simulator/multi-task.ts).
   */
  readonly multiTask?: { readonly siteLoss: Readonly<Record<string, LossName>> };
  materializeAll(normalization?: Normalization): Promise<{
    featureShape: readonly number[];
    pooledTrain: Dataset;
    pooledTest: Dataset;
    siteTests: Map<string, Dataset>;
    /** Multi-task data: each site's training set (the pooled multi-task baseline trains on them). */
    siteTrains?: Map<string, Dataset>;
  }>;
}

/**
 * The study's data, whatever its kind (`data.kind` in the study spec): each kind lives in
 * data-kinds/ and says how rows become sites, what the model predicts (loss, task) and how each
 * site loads its own part (node/site-data-config.ts).
 */
export async function prepareStudyData(spec: StudySpec, baseDir: string): Promise<StudyData> {
  const d = spec.data;
  switch (d.kind) {
    case 'csv':
      return prepareCsvStudyData(spec, d, baseDir);
    case 'dicom-images':
      return prepareDicomImagesStudyData(spec, d, baseDir);
    case 'fhir':
      return prepareFhirStudyData(spec, d, baseDir);
    case 'molecules':
      return prepareMoleculesStudyData(spec, d, baseDir);
    case 'ecg-synthetic':
      return prepareEcgSyntheticStudyData(spec, d);
    case 'nifti-patches':
      return prepareNiftiPatchesStudyData(spec, d, baseDir);
  }
}
