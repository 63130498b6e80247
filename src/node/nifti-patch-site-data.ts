import { readNiftiFile } from '../connectors/nifti/read-file.js';
import type { Dataset } from '../core/dataset.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { Rng } from '../core/random.js';
import { brainVolume, DEFAULT_STRUCTURES, extractBlock, patchClasses, samplePatchOrigins, type BrainVolume, type Hemisphere, type PatchOrigin, type Structure } from '../imaging/brain-patches.js';
import { acquirePatch, augmentPatch, blurMargin, mriScannerProfile, type MriScannerProfile } from '../imaging/mri-scanner.js';
import type { SiteData } from '../site/site-data.js';

/** How a simulated scanner site finds its data (docs/segmentation.md). */
export interface NiftiPatchesSiteDataConfig {
  readonly kind: 'nifti-patches';
  readonly image: string;
  readonly labels: string;
  readonly structures?: readonly Structure[];
  /** The site's scanner: profile mriScannerProfile(dataSeed, siteIndex). */
  readonly siteIndex: number;
  readonly patchSize: number;
  readonly trainPatches: number;
  readonly testPatches: number;
  readonly foregroundFraction: number;
  readonly augment: boolean;
  /** Add the voxels' positions as 3 more input channels (docs/segmentation.md). */
  readonly coordinates: boolean;
  /** Data seed (`data.seed`): scanners and patch sampling. */
  readonly dataSeed: number;
}

const volumes = new Map<string, Promise<BrainVolume>>();

/** The MRI and its aligned classes, read once per process for each (image, labels, structures). */
export function loadBrainVolume(image: string, labels: string, structures: readonly Structure[] = DEFAULT_STRUCTURES): Promise<BrainVolume> {
  const key = JSON.stringify([image, labels, structures]);
  let v = volumes.get(key);
  if (!v) {
    // labels: true reads the atlas as exact integers and refuses float or scaled data with a clear error.
    v = Promise.all([readNiftiFile(image), readNiftiFile(labels, { labels: true })]).then(([img, lab]) => {
      return brainVolume(img, lab, structures);
    });
    v.catch(() => volumes.delete(key));
    volumes.set(key, v);
  }
  return v;
}

export interface PatchSet {
  readonly dataset: Dataset;
  readonly origins: readonly PatchOrigin[];
  readonly flipped: readonly boolean[];
}

/**
 * `count` patches of one hemisphere as acquired by `profile`: x [n, s, s, s, 1] z-scored per
 * patch, y the class of every voxel (n·s³ values). Deterministic in `seed`.
 */
export function scannerPatches(
  vol: BrainVolume,
  profile: MriScannerProfile,
  hemisphere: Hemisphere,
  o: { size: number; count: number; foregroundFraction: number; numStructures: number; augment: boolean; coordinates: boolean },
  seed: number,
): PatchSet {
  const origins = samplePatchOrigins(vol, hemisphere, o, Rng.derive(seed, 'origins'));
  const per = o.size ** 3;
  const channels = o.coordinates ? 4 : 1;
  const x = new Float32Array(o.count * per * channels);
  const y = new Float32Array(o.count * per);
  const margin = blurMargin(profile.blurSigma);
  const flipped: boolean[] = [];
  origins.forEach((origin, p) => {
    const px = acquirePatch(extractBlock(vol, origin, o.size, margin), o.size, margin, origin, vol.dims, profile, Rng.derive(seed, 'noise', p));
    const py = patchClasses(vol, origin, o.size);
    flipped.push(o.augment ? augmentPatch(px, py, o.size, Rng.derive(seed, 'augment', p)).flipped : false);
    if (o.coordinates) addCoordinates(x.subarray(p * per * 4, (p + 1) * per * 4), px, vol, origin, o.size, flipped[p]);
    else x.set(px, p * per);
    y.set(py, p * per);
  });
  return { dataset: { x, y, n: o.count, featureShape: [o.size, o.size, o.size, channels], numClasses: o.numStructures + 1 }, origins, flipped };
}

/**
 * Channels-last [intensity, |x| from the midline, y, z] per voxel: the voxel's place in the
 * (MNI-registered) volume, scaled to about [-1, 1]; |x| so that both hemispheres look alike. A
 * flipped patch carries its coordinates along (they are mirrored with the voxels).
 */
function addCoordinates(out: Float32Array, intensity: Float32Array, vol: BrainVolume, o: PatchOrigin, size: number, flipped: boolean): void {
  const [nx, ny, nz] = vol.dims;
  let p = 0;
  for (let dk = 0; dk < size; dk++) {
    for (let dj = 0; dj < size; dj++) {
      for (let di = 0; di < size; di++, p++) {
        const i = o.i + (flipped ? size - 1 - di : di);
        out[4 * p] = intensity[p];
        out[4 * p + 1] = (2 * Math.abs(i - vol.midline)) / nx;
        out[4 * p + 2] = (2 * (o.j + dj)) / (ny - 1) - 1;
        out[4 * p + 3] = (2 * (o.k + dk)) / (nz - 1) - 1;
      }
    }
  }
}

/** The site's training patches (left hemisphere, augmented) and test patches (right hemisphere). */
export async function niftiSitePatches(c: NiftiPatchesSiteDataConfig, siteId: string): Promise<{ train: PatchSet; test: PatchSet; profile: MriScannerProfile }> {
  const structures = c.structures ?? DEFAULT_STRUCTURES;
  const vol = await loadBrainVolume(c.image, c.labels, structures);
  const profile = mriScannerProfile(c.dataSeed, c.siteIndex);
  const common = { size: c.patchSize, foregroundFraction: c.foregroundFraction, numStructures: structures.length, coordinates: c.coordinates };
  const seed = Rng.derive(c.dataSeed, 'nifti-patches', siteId).int(2 ** 31);
  return {
    profile,
    train: scannerPatches(vol, profile, 'left', { ...common, count: c.trainPatches, augment: c.augment }, Rng.derive(seed, 'train').int(2 ** 31)),
    test: scannerPatches(vol, profile, 'right', { ...common, count: c.testPatches, augment: false }, Rng.derive(seed, 'test').int(2 ** 31)),
  };
}

export async function createNiftiPatchesSiteData(c: NiftiPatchesSiteDataConfig, siteId: string): Promise<SiteData> {
  const { train, test } = await niftiSitePatches(c, siteId);
  return {
    trainCount: train.dataset.n,
    testCount: test.dataset.n,
    statistics: () => {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${siteId}: MRI patches have no tabular features to compute federated statistics over`, {
        hint: 'patches are z-scored one by one; federated z-scoring applies to CSV data only',
      });
    },
    materialize: () => ({ train: train.dataset, test: test.dataset }),
  };
}
