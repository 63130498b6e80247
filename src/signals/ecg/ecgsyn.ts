import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';

/**
 * ECGSYN: the dynamical model of McSharry PE, Clifford GD, Tarassenko L, Smith LA, "A dynamical
 * model for generating synthetic electrocardiogram signals", IEEE Trans Biomed Eng
 * 50(3):289-294, 2003 (doi:10.1109/TBME.2003.808805). A point (x, y) runs round the unit limit
 * cycle with angular speed ω = 2π / RR; the P, Q, R, S and T waves are Gaussian events at fixed
 * angles θ_i that push z:
 *
 *   ẋ = αx − ωy,  ẏ = αy + ωx,  α = 1 − √(x² + y²)
 *   ż = −Σ_i a_i Δθ_i exp(−Δθ_i² / 2b_i²) − (z − z0(t)),  Δθ_i = (θ − θ_i) mod 2π,  θ = atan2(y, x)
 *   z0(t) = A sin(2π f2 t)   (baseline coupled to respiration, A = 0.15 mV)
 *
 * The RR intervals follow the paper's bimodal spectrum: Mayer waves (f1 = 0.1 Hz) and respiratory
 * sinus arrhythmia (f2 = 0.25 Hz), widths c1 = c2 = 0.01 Hz, LF/HF power ratio 0.5, RR standard
 * deviation from `hrStd`. Event widths and the P and T angles are scaled with the mean heart rate
 * as in the reference implementation (ecgsyn.m: b_i · √(hr/60), θ_P,T · (hr/60)^¼).
 *
 * Extension (not in the paper): premature ventricular contractions. A PVC replaces a normal beat
 * with probability `pvcRate`: it comes early (coupling interval `pvcCoupling` × the expected RR),
 * has no P wave, a wide QRS (event widths × 2.5) of different shape and a broad T wave of opposite
 * polarity, and is followed by a full compensatory pause (coupling + pause = 2 × RR). The model
 * stays the same ODE: each beat j (one turn of the limit cycle, θ from −π to π with the R peak at
 * θ = 0) has its own event table, and ω in the half-turn before and after its R peak comes from
 * the RR intervals on either side.
 */

export type BeatType = 'N' | 'V';

interface WaveEvents {
  /** Angles (rad) of P, Q, R, S, T. */
  readonly theta: readonly number[];
  readonly a: readonly number[];
  readonly b: readonly number[];
}

/** Table 1 of McSharry et al. 2003: P, Q, R, S, T at −70°, −15°, 0°, 15°, 100°. */
export const ECGSYN_NORMAL: WaveEvents = {
  theta: [(-70 * Math.PI) / 180, (-15 * Math.PI) / 180, 0, (15 * Math.PI) / 180, (100 * Math.PI) / 180],
  a: [1.2, -5.0, 30.0, -7.5, 0.75],
  b: [0.25, 0.1, 0.1, 0.1, 0.4],
};

/** Premature ventricular beat (medfed's choice): no P, wide and tall R, deep broad S, inverted T. */
export const PVC_EVENTS: WaveEvents = {
  theta: [(-70 * Math.PI) / 180, (-20 * Math.PI) / 180, 0, (25 * Math.PI) / 180, (110 * Math.PI) / 180],
  a: [0, -0.6, 6.5, -2.6, -0.9],
  b: [0.25, 0.25, 0.25, 0.25, 0.5],
};

export interface EcgsynOptions {
  /** Seconds of signal. */
  readonly duration: number;
  /** Output sampling rate (Hz); the ODE is integrated at `internalRate` and averaged down. */
  readonly sampleRate: number;
  readonly internalRate?: number;
  /** Mean heart rate and its standard deviation (beats per minute); paper defaults 60 and 1. */
  readonly hrMean?: number;
  readonly hrStd?: number;
  readonly lfHfRatio?: number;
  /** Respiration (HF) and Mayer-wave (LF) centre frequencies, Hz. */
  readonly fResp?: number;
  readonly fMayer?: number;
  /** Respiratory baseline amplitude A (mV). */
  readonly respBaseline?: number;
  /** Probability that a beat is a PVC (never two in a row); 0 = normal sinus rhythm. */
  readonly pvcRate?: number;
  /** PVC coupling interval as a fraction of the expected RR (default 0.6). */
  readonly pvcCoupling?: number;
  readonly seed: number;
}

export interface EcgRecord {
  /** Signal in mV at `sampleRate`. */
  readonly signal: Float32Array;
  readonly sampleRate: number;
  /** Ground truth: time (s) of every R peak in the record, its type, and the RR interval after it. */
  readonly beats: readonly { readonly t: number; readonly type: BeatType }[];
}

/** RR(t) in seconds: the paper's bimodal spectrum as a sum of sinusoids with random phases, scaled to rrStd. */
export function rrProcess(o: { hrMean: number; hrStd: number; lfHfRatio: number; fMayer: number; fResp: number; rng: Rng }): (t: number) => number {
  const rrMean = 60 / o.hrMean;
  const rrStd = (60 * o.hrStd) / (o.hrMean * o.hrMean);
  const c = 0.01;
  const sig2 = 1; // HF power; LF power = ratio × HF
  const sig1 = o.lfHfRatio;
  const gauss = (f: number, mu: number) => Math.exp(-((f - mu) ** 2) / (2 * c * c)) / Math.sqrt(2 * Math.PI * c * c);
  const freqs: number[] = [];
  const amps: number[] = [];
  const phases: number[] = [];
  const df = 1 / 1024;
  let power = 0;
  for (let f = df; f < 0.5; f += df) {
    const s = sig1 * gauss(f, o.fMayer) + sig2 * gauss(f, o.fResp);
    if (s < 1e-6) continue;
    freqs.push(f);
    amps.push(Math.sqrt(2 * s * df));
    phases.push(2 * Math.PI * o.rng.uniform());
    power += s * df;
  }
  const scale = rrStd / Math.sqrt(power);
  return (t) => {
    let v = 0;
    for (let k = 0; k < freqs.length; k++) v += amps[k] * Math.cos(2 * Math.PI * freqs[k] * t + phases[k]);
    return rrMean + scale * v;
  };
}

function check(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isFinite(v) || v < lo || v > hi) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `ECG generator: ${name} = ${v} is outside [${lo}, ${hi}]`, { where: `ecgsyn.${name}`, hint: 'see docs/wearables.md for the generator options' });
  }
}

/** One synthetic single-lead ECG record (mV) with its ground-truth beats. Same options and seed, same record. */
export function generateEcg(opts: EcgsynOptions): EcgRecord {
  const hrMean = opts.hrMean ?? 60;
  const hrStd = opts.hrStd ?? 1;
  const fsInt = opts.internalRate ?? 1000;
  const pvcRate = opts.pvcRate ?? 0;
  const coupling = opts.pvcCoupling ?? 0.6;
  const A = opts.respBaseline ?? 0.15;
  const fResp = opts.fResp ?? 0.25;
  check('duration', opts.duration, 1, 24 * 3600);
  check('hrMean', hrMean, 30, 200);
  check('hrStd', hrStd, 0, 20);
  check('pvcRate', pvcRate, 0, 0.5);
  check('pvcCoupling', coupling, 0.3, 0.95);
  check('sampleRate', opts.sampleRate, 50, fsInt);
  const rng = new Rng(opts.seed);
  const rr = rrProcess({ hrMean, hrStd, lfHfRatio: opts.lfHfRatio ?? 0.5, fMayer: opts.fMayer ?? 0.1, fResp, rng });

  // Beat schedule: R-peak times and types; beats[j] is turn j of the limit cycle.
  const beats: { t: number; type: BeatType }[] = [];
  let t = 0;
  let j = 0;
  while (t < opts.duration + 2) {
    const expected = rr(t);
    const pvc = j > 1 && beats[j - 1].type === 'N' && rng.uniform() < pvcRate;
    if (pvc) {
      // Early beat, then a full compensatory pause: the next sinus beat comes when it would have
      // come had the PVC not happened (R(V) − R(prev) + R(next) − R(V) = 2 × RR).
      beats.push({ t: t + expected * coupling, type: 'V' });
      beats.push({ t: t + 2 * expected, type: 'N' });
      t += 2 * expected;
      j += 2;
    } else {
      beats.push({ t: t + expected, type: 'N' });
      t += expected;
      j++;
    }
  }
  // The first turn starts at θ = −π half an interval before R_0 (beats[0]); shift times so that t = 0 is θ = −π.
  const offset = beats[0].t - (beats[1].t - beats[0].t) / 2;
  for (const b of beats) b.t -= offset;
  const rrAfter = (k: number) => beats[Math.min(k + 1, beats.length - 1)].t - beats[k].t;
  const rrBefore = (k: number) => (k === 0 ? rrAfter(0) : beats[k].t - beats[k - 1].t);

  // Heart-rate corrections of ecgsyn.m.
  const hrFact = Math.sqrt(hrMean / 60);
  const hrFact2 = Math.sqrt(hrFact);
  const tableOf = (w: WaveEvents) => ({
    theta: w.theta.map((th, i) => th * [hrFact2, hrFact, 1, hrFact, hrFact2][i]),
    a: w.a,
    b: w.b.map((bi) => bi * hrFact),
  });
  const tables = { N: tableOf(ECGSYN_NORMAL), V: tableOf(PVC_EVENTS) };

  // The event forcing is multiplied by ω / ω̄ (ω̄ = 2π / mean RR): each wave is then an exact
  // derivative in θ and adds no net offset to z even where ω jumps (at a PVC); with ω ≈ ω̄ this is
  // the paper's equation. z to mV: the R event integrates to a Gaussian of height a_R b_R² / ω̄; scale so that a normal
  // R wave at the mean rate is 1.2 mV above the baseline (ecgsyn.m rescales to [−0.4, 1.2] mV).
  // The respiratory baseline A is given in mV, so it enters the ODE divided by the same scale.
  const bR = tables.N.b[2];
  const omegaMean = (2 * Math.PI) / (60 / hrMean);
  const scale = 1.2 / ((tables.N.a[2] * bR * bR) / omegaMean);
  const h = 1 / fsInt;
  const nInt = Math.ceil(opts.duration * fsInt);
  const zs = new Float64Array(nInt);
  let x = -1;
  let y = 0;
  let z = 0;
  let beat = 0;
  let prevTheta = -Math.PI;
  const deriv = (tt: number, xx: number, yy: number, zz: number, k: number, out: number[]) => {
    const theta = Math.atan2(yy, xx);
    const omega = (2 * Math.PI) / (theta >= 0 ? rrAfter(k) : rrBefore(k));
    const alpha = 1 - Math.sqrt(xx * xx + yy * yy);
    const tab = tables[beats[k].type];
    let f = 0;
    for (let i = 0; i < 5; i++) {
      let d = (theta - tab.theta[i]) % (2 * Math.PI);
      if (d > Math.PI) d -= 2 * Math.PI;
      if (d < -Math.PI) d += 2 * Math.PI;
      f -= tab.a[i] * d * Math.exp((-d * d) / (2 * tab.b[i] * tab.b[i]));
    }
    f *= omega / omegaMean;
    const z0 = (A / scale) * Math.sin(2 * Math.PI * fResp * tt);
    out[0] = alpha * xx - omega * yy;
    out[1] = alpha * yy + omega * xx;
    out[2] = f - (zz - z0);
  };
  const k1 = [0, 0, 0];
  const k2 = [0, 0, 0];
  const k3 = [0, 0, 0];
  const k4 = [0, 0, 0];
  // y starts just below 0 on the negative x axis: θ = −π.
  y = -1e-9;
  for (let n = 0; n < nInt; n++) {
    const tt = n * h;
    zs[n] = z;
    deriv(tt, x, y, z, beat, k1);
    deriv(tt + h / 2, x + (h / 2) * k1[0], y + (h / 2) * k1[1], z + (h / 2) * k1[2], beat, k2);
    deriv(tt + h / 2, x + (h / 2) * k2[0], y + (h / 2) * k2[1], z + (h / 2) * k2[2], beat, k3);
    deriv(tt + h, x + h * k3[0], y + h * k3[1], z + h * k3[2], beat, k4);
    x += (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
    y += (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    z += (h / 6) * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]);
    const theta = Math.atan2(y, x);
    // Crossing θ = ±π (from just below π to just above −π): the next turn, the next beat.
    if (prevTheta > Math.PI / 2 && theta < -Math.PI / 2 && beat < beats.length - 1) beat++;
    prevTheta = theta;
  }
  const ratio = fsInt / opts.sampleRate;
  const nOut = Math.floor(nInt / ratio);
  const signal = new Float32Array(nOut);
  for (let m = 0; m < nOut; m++) {
    // Box average over the output sample's span (anti-aliasing), then scale.
    const a0 = Math.floor(m * ratio);
    const a1 = Math.max(a0 + 1, Math.floor((m + 1) * ratio));
    let s = 0;
    for (let i = a0; i < a1; i++) s += zs[i];
    signal[m] = (s / (a1 - a0)) * scale;
  }
  return { signal, sampleRate: opts.sampleRate, beats: beats.filter((b) => b.t >= 0 && b.t < nOut / opts.sampleRate) };
}
