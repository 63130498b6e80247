import { dirname, resolve } from 'node:path';
import { readDicomFile } from '../connectors/dicom/read-file.js';
import { makeDataset, subset, type Dataset } from '../core/dataset.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { deriveSeed } from '../core/random.js';
import { stratifiedSplit } from '../data/split.js';
import { parseImageManifest, type ManifestEntry } from '../imaging/image-manifest.js';
import { preprocessDicomImage, type ImagePreprocessing } from '../imaging/preprocess.js';
import type { SiteData } from '../site/site-data.js';
import { readDataText } from './read-data-file.js';

/**
 * How a site finds its images: a manifest (file,label) next to (or above) its DICOM files.
 * Every pixel is read through the DICOM connector (rescale applied, MONOCHROME1 inverted by
 * the VOI window), then resampled and normalised per image (imaging/preprocess.ts). The site
 * splits its images into training and test (stratified, seeded by study seed and site id).
 */
export interface DicomImagesSiteDataConfig {
  readonly kind: 'dicom-images';
  /** Absolute path of the manifest; image paths in it are relative to its folder. */
  readonly manifest: string;
  readonly preprocessing: ImagePreprocessing;
  /** Classes across the whole study (labels must be below it). */
  readonly numClasses: number;
  readonly testFraction: number;
  readonly seed: number;
}

/** The manifest's entries (DATA_UNREADABLE if missing, DATA_INVALID naming the line if malformed). */
export async function readImageManifest(path: string): Promise<ManifestEntry[]> {
  return parseImageManifest(await readDataText(path), path);
}

/** All images of a manifest as one dataset of [height, width, 1] inputs, in manifest order. */
export async function loadManifestImages(c: Pick<DicomImagesSiteDataConfig, 'manifest' | 'preprocessing' | 'numClasses'>): Promise<Dataset> {
  const entries = await readImageManifest(c.manifest);
  const [h, w] = c.preprocessing.size;
  const per = h * w;
  const x = new Float32Array(entries.length * per);
  const y = new Float32Array(entries.length);
  const base = dirname(c.manifest);
  const batch = 16;
  for (let start = 0; start < entries.length; start += batch) {
    const chunk = entries.slice(start, start + batch);
    const images = await Promise.all(
      chunk.map(async (e) => {
        if (e.label >= c.numClasses) {
          throw new MedfedError(ErrorCodes.DATA_INVALID, `${c.manifest} line ${e.line}: label ${e.label} is not below the study's ${c.numClasses} classes`, {
            where: `${c.manifest}:${e.line}`,
          });
        }
        const path = resolve(base, e.file);
        try {
          return preprocessDicomImage(await readDicomFile(path), c.preprocessing, path);
        } catch (err) {
          if (err instanceof MedfedError && err.code === ErrorCodes.DATA_UNREADABLE) {
            throw new MedfedError(err.code, `${c.manifest} line ${e.line}: ${err.message}`, { where: `${c.manifest}:${e.line}`, hint: err.hint, cause: err });
          }
          throw err;
        }
      }),
    );
    images.forEach((im, k) => {
      x.set(im, (start + k) * per);
      y[start + k] = chunk[k].label;
    });
  }
  return makeDataset(x, y, [h, w, 1], c.numClasses);
}

export async function createDicomImagesSiteData(c: DicomImagesSiteDataConfig, siteId: string): Promise<SiteData> {
  const all = await loadManifestImages(c);
  const split = stratifiedSplit(all.y, { testFraction: c.testFraction, seed: deriveSeed(c.seed, 'split', siteId) });
  const train = subset(all, split.train);
  const test = subset(all, split.test);
  return {
    trainCount: train.n,
    testCount: test.n,
    statistics: () => {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${siteId}: DICOM image data have no tabular features to compute federated statistics over`, {
        hint: 'images are normalised per image (data.image.normalize); federated z-scoring applies to CSV data only',
      });
    },
    // Images are normalised per image when loaded; a tabular normalisation has nothing to act on.
    materialize: () => ({ train, test }),
  };
}
