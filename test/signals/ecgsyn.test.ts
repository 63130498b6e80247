import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEAT_LENGTH, BEAT_RATE, detectRPeaks, resample, segmentBeats } from '../../src/signals/ecg/beats.js';
import { generateEcg } from '../../src/signals/ecg/ecgsyn.js';
import { deviceBeats } from '../../src/signals/ecg/ecg-site-data.js';

test('ECGSYN: same seed, same record; another seed, another record', () => {
  const a = generateEcg({ duration: 20, sampleRate: 250, hrMean: 70, pvcRate: 0.1, seed: 5 });
  const b = generateEcg({ duration: 20, sampleRate: 250, hrMean: 70, pvcRate: 0.1, seed: 5 });
  const c = generateEcg({ duration: 20, sampleRate: 250, hrMean: 70, pvcRate: 0.1, seed: 6 });
  assert.deepEqual(a.signal, b.signal);
  assert.deepEqual(a.beats, b.beats);
  assert.notDeepEqual(a.signal, c.signal);
});

test('ECGSYN: heart rate from the RR intervals matches hrMean; R peaks are the signal maxima; out-of-range options are errors', () => {
  for (const hr of [55, 80]) {
    const r = generateEcg({ duration: 120, sampleRate: 250, hrMean: hr, hrStd: 1, seed: 1 });
    const rr = r.beats.slice(1).map((b, i) => b.t - r.beats[i].t);
    const hrMeasured = 60 / (rr.reduce((s, v) => s + v, 0) / rr.length);
    assert.ok(Math.abs(hrMeasured - hr) < 1.5, `hr ${hr}: measured ${hrMeasured}`);
    // Each ground-truth R time is within 12 ms of the local maximum of the signal.
    for (const b of r.beats.slice(1, -1)) {
      const c = Math.round(b.t * 250);
      let best = c - 10;
      for (let i = c - 10; i <= c + 10; i++) if (r.signal[i] > r.signal[best]) best = i;
      assert.ok(Math.abs(best - c) <= 3, `peak at ${best} vs ${c}`);
    }
    // The detector finds the same beats.
    const found = detectRPeaks(r.signal, 250);
    assert.equal(found.length, r.beats.length);
  }
  assert.throws(() => generateEcg({ duration: 10, sampleRate: 250, hrMean: 400, seed: 1 }), /hrMean = 400/);
});

/** Width (ms) of the part of a beat that deviates from its baseline by more than 25% of the peak deviation. */
function qrsWidthMs(sig: Float32Array, center: number, rate: number): number {
  const lo = center - Math.round(0.15 * rate);
  const hi = center + Math.round(0.15 * rate);
  const base = sig[lo];
  let peak = 0;
  for (let i = lo; i <= hi; i++) peak = Math.max(peak, Math.abs(sig[i] - base));
  let a = center;
  let b = center;
  while (a > lo && Math.abs(sig[a] - base) > 0.25 * peak) a--;
  while (b < hi && Math.abs(sig[b] - base) > 0.25 * peak) b++;
  return ((b - a) * 1000) / rate;
}

test('ECGSYN PVCs: early, wider QRS, full compensatory pause', () => {
  const r = generateEcg({ duration: 300, sampleRate: 500, hrMean: 70, pvcRate: 0.15, seed: 3, respBaseline: 0 });
  const v = r.beats.map((b, i) => i).filter((i) => i > 1 && i < r.beats.length - 1 && r.beats[i].type === 'V');
  assert.ok(v.length > 10, `${v.length} PVCs`);
  const widths = { N: [] as number[], V: [] as number[] };
  for (let i = 2; i < r.beats.length - 1; i++) widths[r.beats[i].type].push(qrsWidthMs(r.signal, Math.round(r.beats[i].t * 500), 500));
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  assert.ok(mean(widths.V) > 1.5 * mean(widths.N), `QRS ${mean(widths.V)} ms vs ${mean(widths.N)} ms`);
  for (const i of v.filter((k) => k > 2 && r.beats[k - 2].type === 'N' && r.beats[k - 3].type === 'N')) {
    const before = r.beats[i].t - r.beats[i - 1].t;
    const after = r.beats[i + 1].t - r.beats[i].t;
    assert.ok(before < after, 'premature, then a pause');
    // Compensatory pause: the two intervals add up to about two normal RR intervals.
    const normal = r.beats[i - 1].t - r.beats[i - 2].t;
    assert.ok(Math.abs(before + after - 2 * normal) < 0.25 * normal);
  }
});

test('resampling keeps the time axis; segmentation gives normalised fixed windows with the labels of the kept beats', () => {
  const r = generateEcg({ duration: 30, sampleRate: 360, hrMean: 75, pvcRate: 0.1, seed: 9 });
  const s = resample(r.signal, 360, BEAT_RATE);
  assert.equal(s.length, Math.floor(((r.signal.length - 1) * BEAT_RATE) / 360) + 1);
  // The R peak stays at its time after resampling (±1 sample at 250 Hz).
  const b = r.beats[5];
  const c = Math.round(b.t * BEAT_RATE);
  let best = c - 5;
  for (let i = c - 5; i <= c + 5; i++) if (s[i] > s[best]) best = i;
  assert.ok(Math.abs(best - c) <= 1);
  const { x, kept } = segmentBeats(s, r.beats.map((q) => q.t));
  assert.equal(x.length, kept.length * BEAT_LENGTH);
  assert.ok(kept.length >= r.beats.length - 2);
  const w = x.subarray(0, BEAT_LENGTH);
  const m = w.reduce((a, v) => a + v, 0) / BEAT_LENGTH;
  const sd = Math.sqrt(w.reduce((a, v) => a + (v - m) ** 2, 0) / BEAT_LENGTH);
  assert.ok(sd > 0.8 && sd < 1.2, `window sd ${sd}`);
});

test('a simulated wearable: deterministic beats and labels, PVCs labelled 1', () => {
  const a = deviceBeats({ dataSeed: 1, durationSeconds: 60 }, 'device-007');
  const b = deviceBeats({ dataSeed: 1, durationSeconds: 60 }, 'device-007');
  assert.deepEqual(a.dataset.x, b.dataset.x);
  assert.deepEqual(a.dataset.featureShape, [BEAT_LENGTH, 1]);
  const pvc = a.dataset.y.reduce((s, y) => s + y, 0);
  assert.ok(pvc > 0 && pvc < a.dataset.n / 2);
});
