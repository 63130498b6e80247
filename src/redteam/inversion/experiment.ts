import type { ModelSpec } from '../../core/model-spec.js';
import { deriveSeed } from '../../core/random.js';
import type { TrainableModel } from '../../engine/engine.js';
import { psnr, ssim, type GreyImage } from '../image-quality.js';
import type { LabelledImages } from '../mri-slices.js';
import { invertGradients } from './attack.js';
import { recoverLabels } from './labels.js';
import { attackModelFrom, flattenObserved } from './mlp-model.js';
import { observeStep, type StepDp } from './observed-update.js';

export interface InversionSetting {
  /** e.g. "no defence", "DP-SGD (sigma 1.1, C 1)". */
  readonly label: string;
  readonly batchSize: number;
  readonly dp?: StepDp;
}

export interface InversionExperimentOptions {
  readonly settings: readonly InversionSetting[];
  /** Batches attacked per setting (mean metrics over them). */
  readonly trials: number;
  readonly iterations: number;
  readonly restarts: number;
  readonly tvWeight: number;
  readonly lr: number;
  readonly seed: number;
}

export interface ReconstructionPair {
  readonly original: GreyImage;
  readonly reconstruction: GreyImage;
  readonly ssim: number;
  readonly psnr: number;
}

export interface InversionSettingResult {
  readonly label: string;
  readonly batchSize: number;
  readonly dp: { readonly clipNorm: number; readonly noiseMultiplier: number } | null;
  /** Mean over all attacked images (trials x batch). */
  readonly meanSsim: number;
  readonly meanPsnr: number;
  readonly maxSsim: number;
  /** Fraction of labels recovered correctly from the gradient (as multisets). */
  readonly labelAccuracy: number;
  readonly finalMatchingLoss: number;
  /** Pairs of the first trial, for the report. */
  readonly examples: ReconstructionPair[];
  readonly seconds: number;
}

/** Pair each original with a distinct reconstruction, greedily by highest SSIM. */
function matchPairs(originals: GreyImage[], recs: GreyImage[]): ReconstructionPair[] {
  const cand = originals.flatMap((o, i) => recs.map((r, j) => ({ i, j, s: ssim(o, r) }))).sort((a, b) => b.s - a.s);
  const usedI = new Set<number>(), usedJ = new Set<number>();
  const pairs: ReconstructionPair[] = new Array(originals.length);
  for (const c of cand) {
    if (usedI.has(c.i) || usedJ.has(c.j)) continue;
    usedI.add(c.i); usedJ.add(c.j);
    pairs[c.i] = { original: originals[c.i], reconstruction: recs[c.j], ssim: c.s, psnr: psnr(originals[c.i], recs[c.j]) };
  }
  return pairs;
}

function multisetOverlap(a: readonly number[], b: readonly number[]): number {
  const left = [...b];
  let hit = 0;
  for (const v of a) {
    const k = left.indexOf(v);
    if (k >= 0) { hit++; left.splice(k, 1); }
  }
  return hit;
}

/**
 * The gradient-inversion experiment: for each setting, take `trials` batches of real images,
 * let the victim (the engine's model, unchanged weights) compute the update it would send, then
 * recover the labels and invert the update with the attack model built from the same weights.
 */
export async function runInversion(
  victim: TrainableModel,
  spec: ModelSpec,
  data: LabelledImages,
  o: InversionExperimentOptions,
): Promise<InversionSettingResult[]> {
  const attackModel = attackModelFrom(spec, victim.getWeights());
  const { width, height } = data.images[0];
  const results: InversionSettingResult[] = [];
  let next = 0;
  for (const s of o.settings) {
    const t0 = Date.now();
    let ssimSum = 0, psnrSum = 0, maxSsim = -1, labelHits = 0, lossSum = 0, count = 0;
    let examples: ReconstructionPair[] = [];
    for (let trial = 0; trial < o.trials; trial++) {
      const idx = Array.from({ length: s.batchSize }, () => (next++ * 7) % data.images.length);
      const originals = idx.map((i) => data.images[i]);
      const trueLabels = idx.map((i) => data.labels[i]);
      const x = new Float32Array(idx.length * width * height);
      originals.forEach((img, k) => x.set(img.data, k * width * height));
      const obs = await observeStep(victim, x, trueLabels, spec.inputShape, data.classes, s.dp);
      const observed = flattenObserved(attackModel, obs.gradients);
      const seed = deriveSeed(o.seed, s.label, trial);
      const labels = recoverLabels(attackModel, observed, s.batchSize, seed);
      const inv = invertGradients(attackModel, observed, { height, width, labels, iterations: o.iterations, lr: o.lr, tvWeight: o.tvWeight, restarts: o.restarts, seed });
      const recs: GreyImage[] = inv.images.map((d) => ({ width, height, data: Float32Array.from(d) }));
      const pairs = matchPairs(originals, recs);
      for (const p of pairs) {
        ssimSum += p.ssim; psnrSum += Math.min(p.psnr, 100); maxSsim = Math.max(maxSsim, p.ssim); count++;
      }
      labelHits += multisetOverlap(labels, trueLabels);
      lossSum += inv.loss;
      if (trial === 0) examples = pairs;
    }
    results.push({
      label: s.label,
      batchSize: s.batchSize,
      dp: s.dp ? { clipNorm: s.dp.clipNorm, noiseMultiplier: s.dp.noiseMultiplier } : null,
      meanSsim: ssimSum / count,
      meanPsnr: psnrSum / count,
      maxSsim,
      labelAccuracy: labelHits / count,
      finalMatchingLoss: lossSum / o.trials,
      examples,
      seconds: (Date.now() - t0) / 1000,
    });
  }
  return results;
}
