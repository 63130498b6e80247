import { Rng } from '../../core/random.js';
import { generateEcg, type BeatType } from './ecgsyn.js';

/**
 * A simulated wearable: its own wearer (heart rate, PVC burden) and its own recording chain
 * (sampling rate, gain, baseline wander, EMG noise, electrode-motion artefacts). All drawn from
 * the device's seed, so the same device id and study seed give the same recording everywhere.
 */
export interface DeviceProfile {
  readonly sampleRate: number;
  readonly gain: number;
  readonly hrMean: number;
  readonly pvcRate: number;
  /** Baseline wander amplitude (mV) and frequency (Hz). */
  readonly wanderMv: number;
  readonly wanderHz: number;
  /** EMG (muscle) noise standard deviation, mV. */
  readonly emgMv: number;
  /** Electrode-motion bursts per minute and their amplitude (mV). */
  readonly motionPerMin: number;
  readonly motionMv: number;
}

export const DEVICE_RATES = [128, 250, 256, 360, 500] as const;

export function deviceProfile(seed: number): DeviceProfile {
  const r = new Rng(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * r.uniform();
  return {
    sampleRate: DEVICE_RATES[r.int(DEVICE_RATES.length)],
    gain: u(0.6, 1.6),
    hrMean: u(55, 95),
    pvcRate: u(0.03, 0.25),
    wanderMv: u(0.05, 0.5),
    wanderHz: u(0.05, 0.4),
    emgMv: u(0.005, 0.06),
    motionPerMin: u(0, 6),
    motionMv: u(0.1, 0.6),
  };
}

/** A device's recording at its own rate (mV, after its gain and noise) with the ground-truth beats. */
export function recordDevice(p: DeviceProfile, durationSeconds: number, seed: number): { signal: Float32Array; sampleRate: number; beats: { t: number; type: BeatType }[] } {
  const rec = generateEcg({ duration: durationSeconds, sampleRate: p.sampleRate, hrMean: p.hrMean, pvcRate: p.pvcRate, seed });
  const r = Rng.derive(seed, 'noise');
  const fs = p.sampleRate;
  const phase = 2 * Math.PI * r.uniform();
  const bursts: { t: number; width: number; amp: number; hz: number }[] = [];
  const nb = Math.round((p.motionPerMin * durationSeconds) / 60);
  for (let i = 0; i < nb; i++) bursts.push({ t: durationSeconds * r.uniform(), width: 0.2 + 0.6 * r.uniform(), amp: p.motionMv * (r.uniform() < 0.5 ? -1 : 1), hz: 1 + 2 * r.uniform() });
  const out = new Float32Array(rec.signal.length);
  for (let i = 0; i < out.length; i++) {
    const t = i / fs;
    let v = rec.signal[i] + p.wanderMv * Math.sin(2 * Math.PI * p.wanderHz * t + phase) + p.emgMv * r.normal();
    for (const b of bursts) {
      const d = (t - b.t) / b.width;
      if (Math.abs(d) < 4) v += b.amp * Math.exp(-0.5 * d * d) * Math.cos(2 * Math.PI * b.hz * (t - b.t));
    }
    out[i] = p.gain * v;
  }
  return { signal: out, sampleRate: fs, beats: [...rec.beats] };
}
