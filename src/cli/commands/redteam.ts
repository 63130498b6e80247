import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { modelLayout } from '../../core/model-params.js';
import { getEngine } from '../../engine/registry.js';
import { writeFileAtomic } from '../../node/atomic-write.js';
import { toolVersion } from '../../node/tool-version.js';
import { defaultDpTarget, defaultSiteNoise } from '../../redteam/default-dp.js';
import { runInversion, type InversionSetting } from '../../redteam/inversion/experiment.js';
import { runMembership } from '../../redteam/membership/experiment.js';
import { poisoningAggregatorNames } from '../../redteam/poisoning/aggregators.js';
import { heartTrigger } from '../../redteam/poisoning/heart-trigger.js';
import { runPoisoning } from '../../redteam/poisoning/experiment.js';
import { inversionSection, membershipSection, poisoningSection, renderRedteamReport } from '../../redteam/report.js';
import { standardizedSplit } from '../../redteam/tabular-split.js';
import { loadHeart, loadMriImages, loadUserModel } from './redteam-inputs.js';

interface CommonOptions {
  out: string;
  model?: string;
  spec?: string;
  engine: string;
  seed: string;
}

function int(value: string, name: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${name} must be an integer >= ${min}, got "${value}"`, { where: name });
  return n;
}

function writeOutputs(dir: string, kind: string, facts: Record<string, string>, results: unknown, html: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot create the output directory ${dir}`, { where: dir, cause: e, hint: 'choose a writable --out' });
  }
  const json = { schemaVersion: 1, tool: { name: 'medfed', version: toolVersion() }, createdAt: new Date().toISOString(), kind, facts, results };
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  writeFileAtomic(join(dir, 'report.html'), html);
  process.stdout.write(`wrote ${join(dir, 'results.json')} and ${join(dir, 'report.html')}\n`);
}

function common(cmd: Command, out: string): Command {
  return cmd
    .option('-o, --out <dir>', 'write results.json and report.html here', out)
    .option('--spec <model.yaml>', 'your model spec (docs/model-spec.md)')
    .option('--model <weights.safetensors>', 'your model weights, PyTorch names (needs --spec)')
    .option('--engine <name>', 'training engine', 'tfjs-wasm')
    .option('--seed <n>', 'seed', '7');
}

const defaultImageModel = {
  inputShape: [16, 16, 1],
  layers: [{ type: 'flatten' }, { type: 'dense', units: 64, activation: 'sigmoid' }, { type: 'dense', units: 4 }],
  loss: 'softmax_cross_entropy',
};
const defaultHeartModel = (width: number) => ({ inputShape: [width], layers: [{ type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 2 }], loss: 'softmax_cross_entropy' });

export function registerRedteamCommand(program: Command): void {
  const rt = program.command('redteam').description("Attack medfed's defences: gradient inversion, poisoning, membership inference (docs/red-team.md)");

  common(rt.command('inversion').description('Invert a site update (Inverting Gradients) at batch 1 and 8, without and with DP-SGD; SSIM and PSNR'), 'out/redteam-inversion')
    .option('--iterations <n>', 'Adam steps per attack', '1000')
    .option('--trials <n>', 'batches attacked per setting', '3')
    .action(async (o: CommonOptions & { iterations: string; trials: string }) => {
      const seed = int(o.seed, '--seed', 0);
      const user = loadUserModel(o.spec, o.model, defaultImageModel);
      const engine = await getEngine(o.engine);
      const victim = await engine.build(user.spec, { seed });
      if (user.weights) victim.setWeights(user.weights);
      const classes = user.spec.loss === 'sigmoid_cross_entropy' ? 2 : modelLayout(user.spec).outputShape[0];
      const data = await loadMriImages(user.spec, classes, 48);
      const settings: InversionSetting[] = [];
      for (const dp of [false, true]) {
        for (const batchSize of [1, 8]) {
          const noise = defaultSiteNoise({ n: 64, batchSize, epochs: 1, rounds: 30 });
          settings.push({ label: `${dp ? `DP-SGD (σ ${noise.noiseMultiplier.toFixed(2)}, C ${noise.clipNorm})` : 'no defence'}, batch ${batchSize}`, batchSize, dp: dp ? noise : undefined });
        }
      }
      const results = await runInversion(victim, user.spec, data, { settings, trials: int(o.trials, '--trials'), iterations: int(o.iterations, '--iterations'), restarts: 1, tvWeight: 1e-3, lr: 0.05, seed });
      victim.dispose();
      const facts = {
        model: user.source,
        images: `${data.images.length} axial slices of the ch2 MRI template, ${data.images[0].width}x${data.images[0].height}, ${classes} classes (axial level)`,
        'DP setting': `medfed default: ε ${defaultDpTarget.targetEpsilon} at δ ${defaultDpTarget.delta}, C ${defaultDpTarget.clipNorm}, σ for a site of 64 images, 1 epoch, 30 rounds`,
        engine: engine.name,
      };
      const stripped = results.map((r) => ({ ...r, examples: r.examples.map((p) => ({ ssim: p.ssim, psnr: p.psnr })) }));
      writeOutputs(o.out, 'inversion', facts, stripped, renderRedteamReport('Red team: gradient inversion', facts, inversionSection(results)));
    });

  common(rt.command('poisoning').description('Model-replacement backdoor and sign-flip, 4 of 20 sites malicious, per aggregator; attack success and clean accuracy'), 'out/redteam-poisoning')
    .option('--rounds <n>', 'federated rounds', '20')
    .action(async (o: CommonOptions & { rounds: string }) => {
      const seed = int(o.seed, '--seed', 0);
      const heart = await loadHeart();
      const user = loadUserModel(o.spec, o.model, defaultHeartModel(heart.featureShape[0]));
      const { train, test } = standardizedSplit(heart, 0.3, seed);
      const trigger = heartTrigger(heart.featureNames ?? []);
      const engine = await getEngine(o.engine);
      const rows = await runPoisoning(engine, user.spec, train, test, {
        aggregators: poisoningAggregatorNames, sites: 20, malicious: 4, trigger, rounds: int(o.rounds, '--rounds'), epochs: 2, batchSize: 8, optimizer: { name: 'sgd', lr: 0.1 }, seed, initial: user.weights,
      });
      const facts = {
        model: user.source,
        data: `UCI Statlog Heart: ${train.n} training rows split IID over 20 sites, ${test.n} held-out test rows`,
        attackers: '4 of 20 sites (20%), every round; backdoor boost 5 (= n / attackers), sign-flip scale 4',
        trigger: `${trigger.features.map((f) => `${f.name} = ${f.value} (z)`).join(', ')} → label ${trigger.targetLabel} (no heart disease)`,
        engine: engine.name,
      };
      writeOutputs(o.out, 'poisoning', facts, rows, renderRedteamReport('Red team: poisoning', facts, poisoningSection(rows)));
    });

  common(rt.command('membership').description('Loss-threshold membership inference on a model trained without and with DP-SGD; TPR at 1% FPR and AUC'), 'out/redteam-membership')
    .option('--epochs <n>', 'training epochs', '100')
    .action(async (o: CommonOptions & { epochs: string }) => {
      const seed = int(o.seed, '--seed', 0);
      const heart = await loadHeart();
      const user = loadUserModel(o.spec, o.model, { ...defaultHeartModel(heart.featureShape[0]), layers: [{ type: 'dense', units: 128, activation: 'relu' }, { type: 'dense', units: 2 }] });
      const { train } = standardizedSplit(heart, 0.01, seed);
      const engine = await getEngine(o.engine);
      const rows = await runMembership(engine, user.spec, train, { epochs: int(o.epochs, '--epochs'), batchSize: 16, optimizer: { name: 'adam', lr: 0.01 }, dp: defaultDpTarget, seed });
      const facts = { model: user.source, data: `UCI Statlog Heart, ${rows[0].members} members / ${rows[0].nonMembers} non-members`, engine: engine.name };
      writeOutputs(o.out, 'membership', facts, rows, renderRedteamReport('Red team: membership inference', facts, membershipSection(rows)));
    });
}
