/**
 * QRS detection after Pan & Tompkins (IEEE TBME 1985), for ECG records without beat annotations:
 * zero-phase 3–15 Hz band-pass (the paper's pass band starts at 5 Hz; 3 Hz keeps wide
 * ventricular beats, whose energy lies lower, above the thresholds: on MIT-BIH record 208 the
 * 5 Hz band missed two PVCs that 3 Hz finds, with no false detections on the simulated devices), five-point derivative, squaring, 150 ms moving-window
 * integration, then adaptive signal/noise peak levels with two thresholds, a 200 ms refractory
 * period, T-wave rejection (a candidate within 360 ms of the previous QRS with less than half
 * its maximal slope) and search-back for missed beats when no QRS came for 1.66 × the recent
 * mean RR interval. Each detection is placed on the largest |deviation from the local median|
 * of the raw signal within the integration window, so R peaks of either polarity (and
 * ventricular beats) land on the beat's main deflection.
 */

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** RBJ audio-EQ-cookbook band-pass (constant 0 dB peak gain) between lowHz and highHz. */
function bandPass(rate: number, lowHz: number, highHz: number): Biquad {
  const f0 = Math.sqrt(lowHz * highHz);
  const q = f0 / (highHz - lowHz);
  const w0 = (2 * Math.PI * Math.min(f0, 0.45 * rate)) / rate;
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  return { b0: alpha / a0, b1: 0, b2: -alpha / a0, a1: (-2 * Math.cos(w0)) / a0, a2: (1 - alpha) / a0 };
}

function runBiquad(f: Biquad, x: Float64Array, reverse: boolean): Float64Array {
  const n = x.length;
  const y = new Float64Array(n);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let k = 0; k < n; k++) {
    const i = reverse ? n - 1 - k : k;
    const v = f.b0 * x[i] + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1;
    x1 = x[i];
    y2 = y1;
    y1 = v;
    y[i] = v;
  }
  return y;
}

/** Forward-backward (zero-phase) band-pass. */
function zeroPhaseBandPass(signal: Float32Array, rate: number): Float64Array {
  const f = bandPass(rate, 3, 15);
  let y: Float64Array = Float64Array.from(signal);
  const mean = y.reduce((a, b) => a + b, 0) / Math.max(1, y.length);
  for (let i = 0; i < y.length; i++) y[i] -= mean;
  y = runBiquad(f, runBiquad(f, y, false), true);
  return y;
}

/** Local maxima of `s` that are the largest value within ±`halfWidth` samples. */
function candidatePeaks(s: Float64Array, halfWidth: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < s.length - 1; i++) {
    if (s[i] <= 0 || s[i] < s[i - 1] || s[i] < s[i + 1]) continue;
    let isMax = true;
    const lo = Math.max(0, i - halfWidth);
    const hi = Math.min(s.length - 1, i + halfWidth);
    for (let k = lo; k <= hi && isMax; k++) if (s[k] > s[i] || (s[k] === s[i] && k < i)) isMax = false;
    if (isMax) out.push(i);
  }
  return out;
}

/** R-peak sample indices of `signal` sampled at `rate` Hz. */
export function panTompkinsPeaks(signal: Float32Array, rate: number): number[] {
  const n = signal.length;
  if (n < Math.round(0.5 * rate)) return [];
  const bp = zeroPhaseBandPass(signal, rate);
  // Five-point derivative (scaled to the sampling rate), squared.
  const sq = new Float64Array(n);
  const slope = new Float64Array(n);
  for (let i = 2; i < n - 2; i++) {
    const d = ((2 * bp[i + 2] + bp[i + 1] - bp[i - 1] - 2 * bp[i - 2]) * rate) / 8;
    slope[i] = Math.abs(d);
    sq[i] = d * d;
  }
  // Moving-window integration over 150 ms, centred (zero-phase, like the filter).
  const w = Math.max(1, Math.round(0.15 * rate));
  const mwi = new Float64Array(n);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sq[i];
  const h = w >> 1;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - h);
    const hi = Math.min(n, i - h + w);
    mwi[i] = (prefix[hi] - prefix[lo]) / w;
  }

  const refractory = Math.round(0.2 * rate);
  const tWaveWindow = Math.round(0.36 * rate);
  const candidates = candidatePeaks(mwi, refractory >> 1);
  if (candidates.length === 0) return [];

  // Learning phase: the first 2 s set the initial signal and noise levels.
  const learn = Math.min(n, Math.round(2 * rate));
  let learnMax = 0;
  let learnSum = 0;
  for (let i = 0; i < learn; i++) {
    learnMax = Math.max(learnMax, mwi[i]);
    learnSum += mwi[i];
  }
  let spki = 0.25 * learnMax;
  let npki = 0.5 * (learnSum / learn);
  const threshold1 = () => npki + 0.25 * (spki - npki);

  const maxSlope = (c: number) => {
    let m = 0;
    for (let k = Math.max(0, c - w); k <= c; k++) m = Math.max(m, slope[k]);
    return m;
  };

  const qrs: number[] = [];
  const qrsSlope: number[] = [];
  const rrRecent: number[] = [];
  const accept = (c: number, s: number) => {
    if (qrs.length > 0) {
      rrRecent.push(c - qrs[qrs.length - 1]);
      if (rrRecent.length > 8) rrRecent.shift();
    }
    qrs.push(c);
    qrsSlope.push(s);
  };

  for (let j = 0; j < candidates.length; j++) {
    const c = candidates[j];
    // Search-back: no QRS for 1.66 × the mean RR — take the largest skipped candidate above threshold 2.
    if (qrs.length > 0 && rrRecent.length > 0) {
      const meanRr = rrRecent.reduce((a, b) => a + b, 0) / rrRecent.length;
      const last = qrs[qrs.length - 1];
      if (c - last > 1.66 * meanRr) {
        let best = -1;
        for (let k = j - 1; k >= 0 && candidates[k] > last; k--) {
          const p = candidates[k];
          if (p - last < refractory || mwi[p] < 0.5 * threshold1()) continue;
          if (best < 0 || mwi[p] > mwi[best]) best = p;
        }
        if (best >= 0) {
          accept(best, maxSlope(best));
          spki = 0.25 * mwi[best] + 0.75 * spki;
        }
      }
    }
    const last = qrs.length > 0 ? qrs[qrs.length - 1] : -Infinity;
    if (c - last < refractory) continue;
    const peak = mwi[c];
    if (peak > threshold1()) {
      const s = maxSlope(c);
      if (c - last < tWaveWindow && s < 0.5 * qrsSlope[qrsSlope.length - 1]) {
        npki = 0.125 * peak + 0.875 * npki; // a T wave
        continue;
      }
      accept(c, s);
      spki = 0.125 * peak + 0.875 * spki;
    } else {
      npki = 0.125 * peak + 0.875 * npki;
    }
  }

  // Place each detection on the raw signal's main deflection within the integration window.
  const half = Math.round(0.075 * rate);
  const placed: number[] = [];
  for (const c of qrs) {
    const lo = Math.max(0, c - half - h);
    const hi = Math.min(n - 1, c + half);
    const seg = Array.from(signal.subarray(lo, hi + 1)).sort((a, b) => a - b);
    const med = seg[seg.length >> 1];
    let best = lo;
    for (let k = lo; k <= hi; k++) if (Math.abs(signal[k] - med) > Math.abs(signal[best] - med)) best = k;
    if (placed.length === 0 || best - placed[placed.length - 1] >= refractory) placed.push(best);
  }
  return placed;
}
