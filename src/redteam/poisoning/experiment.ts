import type { Dataset } from '../../core/dataset.js';
import { subset } from '../../core/dataset.js';
import type { ModelSpec } from '../../core/model-spec.js';
import type { Weights } from '../../core/tensors.js';
import { Rng } from '../../core/random.js';
import type { TrainingEngine } from '../../engine/engine.js';
import { auroc } from '../../eval/auroc.js';
import { poisoningAggregator, type PoisoningAggregatorName } from './aggregators.js';
import { stampTrigger, type TabularTrigger } from './attacks.js';
import { predictClasses, runPoisonedFederation, type FederationOptions, type PoisoningAttack } from './federation.js';

export interface PoisoningExperimentOptions extends FederationOptions {
  readonly aggregators: readonly PoisoningAggregatorName[];
  readonly sites: number;
  /** Malicious sites (the first `malicious` of a seeded permutation). */
  readonly malicious: number;
  readonly trigger: TabularTrigger;
  /** Model-replacement boost (default sites / malicious, Bagdasaryan et al.'s n / eta). */
  readonly boost?: number;
  /** Sign-flip amplification (default 4). */
  readonly flipScale?: number;
  /** Starting weights of the global model (default: the engine's seeded initialisation). */
  readonly initial?: Weights;
}

export interface PoisoningRow {
  readonly aggregator: PoisoningAggregatorName;
  readonly attack: 'none' | 'backdoor' | 'sign-flip';
  readonly cleanAccuracy: number;
  readonly auroc: number | null;
  /** Backdoor: share of test rows whose true label is not the target predicted as the target once triggered. */
  readonly attackSuccess: number;
  readonly seconds: number;
}

/**
 * Each aggregator, without attack, with the model-replacement backdoor and with sign-flip, on
 * the same sites (IID split of the training rows), the same malicious sites and the same initial
 * model. Attack success is measured on the held-out test rows whose label is not the target.
 */
export async function runPoisoning(
  engine: TrainingEngine,
  spec: ModelSpec,
  train: Dataset,
  test: Dataset,
  o: PoisoningExperimentOptions,
): Promise<PoisoningRow[]> {
  const rng = Rng.derive(o.seed, 'poisoning');
  const perm = rng.permutation(train.n);
  const sites = Array.from({ length: o.sites }, (_, s) => subset(train, Array.from(perm).filter((_, i) => i % o.sites === s)));
  const malicious = new Set(Array.from(rng.permutation(o.sites).subarray(0, o.malicious)));
  const model = await engine.build(spec, { seed: o.seed });
  if (o.initial) model.setWeights(o.initial);
  const initial = model.getWeights();
  const victims = subset(test, Array.from({ length: test.n }, (_, i) => i).filter((i) => test.y[i] !== o.trigger.targetLabel));
  const triggered = stampTrigger(victims, o.trigger);
  const attacks: PoisoningAttack[] = [
    { kind: 'none' },
    { kind: 'backdoor', trigger: o.trigger, boost: o.boost ?? o.sites / Math.max(1, o.malicious) },
    { kind: 'sign-flip', scale: o.flipScale ?? 4 },
  ];
  const rows: PoisoningRow[] = [];
  try {
    for (const name of o.aggregators) {
      const aggregate = poisoningAggregator(name, o.sites, o.malicious);
      for (const attack of attacks) {
        const t0 = Date.now();
        const final = await runPoisonedFederation(model, initial, sites, malicious, attack, aggregate, o);
        const clean = await predictClasses(model, final, test);
        const trig = await predictClasses(model, final, triggered);
        const correct = clean.classes.filter((c, i) => c === test.y[i]).length;
        rows.push({
          aggregator: name,
          attack: attack.kind,
          cleanAccuracy: correct / test.n,
          auroc: test.numClasses === 2 ? auroc(clean.scores, test.y) : null,
          attackSuccess: trig.classes.filter((c) => c === o.trigger.targetLabel).length / Math.max(1, triggered.n),
          seconds: (Date.now() - t0) / 1000,
        });
      }
    }
  } finally {
    model.dispose();
  }
  return rows;
}
