import { z } from 'zod';

/**
 * `data.kind: ecg-synthetic` of a study spec (docs/wearables.md): `devices` simulated wearables,
 * each a site that generates its own ECGSYN recording (its own wearer, sampling rate and noise)
 * and classifies beats normal vs PVC. `dropout`: the probability that a device fails a round's
 * fit request (battery, connectivity), drawn per device and round.
 */
export const ecgSyntheticDataSchema = z.strictObject({
  kind: z.literal('ecg-synthetic'),
  devices: z.number().int().min(2).max(10000),
  /** Seconds recorded per device. */
  durationSeconds: z.number().min(10).max(3600).default(60),
  dropout: z.number().min(0).lt(1).default(0),
  testFraction: z.number().gt(0).lt(1).default(0.25),
  seed: z.number().int().default(1),
});
export type EcgSyntheticDataSpec = z.infer<typeof ecgSyntheticDataSchema>;
