import { subset, type Dataset } from '../../core/dataset.js';
import type { ModelSpec } from '../../core/model-spec.js';
import { Rng } from '../../core/random.js';
import type { OptimizerSpec, TrainingEngine } from '../../engine/engine.js';
import { resolveDpSgd } from '../../privacy/dp/dp-sgd-config.js';
import { membershipMetrics, negativeLosses, type MembershipScores } from './loss-threshold.js';

export interface MembershipExperimentOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerSpec;
  /** DP-SGD target (medfed's default: epsilon 3 at delta 1e-5, clip 1). */
  readonly dp: { readonly targetEpsilon: number; readonly delta: number; readonly clipNorm: number };
  readonly seed: number;
  /** Seeded DP noise: tests only (default the CSPRNG). */
  readonly uniform?: () => number;
}

export interface MembershipRow extends MembershipScores {
  readonly label: string;
  readonly dp: { readonly epsilon: number; readonly delta: number; readonly clipNorm: number; readonly noiseMultiplier: number } | null;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly members: number;
  readonly nonMembers: number;
}

function accuracy(p: Float32Array, y: Float32Array, n: number): number {
  const k = p.length / n;
  let hit = 0;
  for (let i = 0; i < n; i++) {
    let c = 0;
    if (k === 1) c = p[i] > 0.5 ? 1 : 0;
    else for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + c]) c = j;
    if (c === y[i]) hit++;
  }
  return hit / n;
}

/**
 * A site's model trained on half the rows (members), the other half held out (non-members),
 * once without and once with DP-SGD at the target epsilon; the loss-threshold attack on each.
 */
export async function runMembership(engine: TrainingEngine, spec: ModelSpec, data: Dataset, o: MembershipExperimentOptions): Promise<MembershipRow[]> {
  const perm = Rng.derive(o.seed, 'membership').permutation(data.n);
  const half = data.n >> 1;
  const members = subset(data, perm.subarray(0, half));
  const nonMembers = subset(data, perm.subarray(half));
  const rows: MembershipRow[] = [];
  for (const withDp of [false, true]) {
    const model = await engine.build(spec, { seed: o.seed });
    try {
      const resolved = withDp
        ? resolveDpSgd({ ...o.dp, plannedRounds: 1 }, { n: members.n, batchSize: o.batchSize, epochs: o.epochs })
        : null;
      await model.train(members, {
        epochs: o.epochs,
        batchSize: o.batchSize,
        optimizer: o.optimizer,
        seed: o.seed,
        dpSgd: resolved ? { clipNorm: resolved.clipNorm, noiseMultiplier: resolved.noiseMultiplier, uniform: o.uniform } : undefined,
      });
      const pin = await model.predict(members.x, members.n);
      const pout = await model.predict(nonMembers.x, nonMembers.n);
      const m = membershipMetrics(negativeLosses(pin, members.y, members.n), negativeLosses(pout, nonMembers.y, nonMembers.n));
      rows.push({
        label: withDp ? 'DP-SGD' : 'no defence',
        dp: resolved ? { epsilon: o.dp.targetEpsilon, delta: o.dp.delta, clipNorm: resolved.clipNorm, noiseMultiplier: resolved.noiseMultiplier } : null,
        trainAccuracy: accuracy(pin, members.y, members.n),
        testAccuracy: accuracy(pout, nonMembers.y, nonMembers.n),
        members: members.n,
        nonMembers: nonMembers.n,
        ...m,
      });
    } finally {
      model.dispose();
    }
  }
  return rows;
}
