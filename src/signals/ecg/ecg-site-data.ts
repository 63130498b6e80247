import { makeDataset, subset } from '../../core/dataset.js';
import { deriveSeed, Rng } from '../../core/random.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { stratifiedSplit } from '../../data/split.js';
import type { SiteData } from '../../site/site-data.js';
import { BEAT_LENGTH, BEAT_RATE, resample, segmentBeats } from './beats.js';
import { deviceProfile, recordDevice } from './device.js';

/** How a simulated wearable finds its data: it generates its own recording from the seeds. */
export interface EcgSyntheticSiteDataConfig {
  readonly kind: 'ecg-synthetic';
  /** Data seed (`data.seed`): the same for every device; each mixes in its own id. */
  readonly dataSeed: number;
  readonly durationSeconds: number;
  readonly dropout: number;
  readonly testFraction: number;
  /** Study seed: the site's train/test split and dropout draws. */
  readonly seed: number;
}

/** A device's beats: [BEAT_LENGTH, 1] windows at BEAT_RATE Hz, label 0 normal / 1 PVC. */
export function deviceBeats(c: Pick<EcgSyntheticSiteDataConfig, 'dataSeed' | 'durationSeconds'>, deviceId: string) {
  const seed = deriveSeed(c.dataSeed, 'ecg-device', deviceId);
  const profile = deviceProfile(seed);
  const rec = recordDevice(profile, c.durationSeconds, seed);
  const sig = resample(rec.signal, rec.sampleRate, BEAT_RATE);
  const { x, kept } = segmentBeats(sig, rec.beats.map((b) => b.t));
  const y = Float32Array.from(kept, (i) => (rec.beats[i].type === 'V' ? 1 : 0));
  return { profile, dataset: makeDataset(x, y, [BEAT_LENGTH, 1], 2) };
}

export function createEcgSyntheticSiteData(c: EcgSyntheticSiteDataConfig, siteId: string): SiteData {
  const { dataset } = deviceBeats(c, siteId);
  const split = stratifiedSplit(dataset.y, { testFraction: c.testFraction, seed: deriveSeed(c.seed, 'split', siteId) });
  const train = subset(dataset, split.train);
  const test = subset(dataset, split.test);
  return {
    trainCount: train.n,
    testCount: test.n,
    statistics: () => {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `device ${siteId}: ECG beats have no tabular features to compute federated statistics over`, {
        hint: 'beats are normalised per window; federated z-scoring applies to CSV data only',
      });
    },
    materialize: () => ({ train, test }),
    beforeFit(round: number) {
      if (c.dropout > 0 && Rng.derive(c.seed, 'device-dropout', siteId, round).uniform() < c.dropout) {
        throw new MedfedError(ErrorCodes.SITE_FAILURE, `device ${siteId} dropped out of round ${round} (simulated wearable: battery or connectivity lost, dropout ${c.dropout})`, {
          hint: 'expected in cross-device studies: the coordinator aggregates the devices that replied if federation.minSites are left',
        });
      }
    },
  };
}
