import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { Weights } from '../core/tensors.js';
import { checkTensors } from './replies.js';
import { SCAFFOLD_C, SCAFFOLD_C_I, SCAFFOLD_DELTA_C } from './scaffold-keys.js';
import type { SiteFitContext, SiteStrategy } from './strategy.js';
import { pickTensors, trainableNames, zip2, zip3 } from './weights-math.js';

/**
 * SCAFFOLD's site half: train from x with gradient correction c − c_i, then (option II)
 * c_i⁺ = c_i − c + (x − y_i)/(K·η_l), K = optimizer steps, η_l = the local SGD learning rate;
 * reply with Δc_i = c_i⁺ − c_i and keep c_i⁺.
 */
export function scaffoldSite(): SiteStrategy {
  return {
    beforeTrain: (ctx) => {
      localLr(ctx);
      const { c, ci } = controlVariates(ctx);
      return { start: ctx.global, options: { ...ctx.baseOptions, gradientCorrection: zip2(c, ci, (a, b) => a - b) } };
    },
    afterTrain: (ctx, trained, steps) => {
      const lr = localLr(ctx);
      const { c, ci, names } = controlVariates(ctx);
      const y = pickTensors(trained, names);
      checkTensors('scaffold', 'this site', 'trained weights', ci, y);
      if (steps <= 0) return { [SCAFFOLD_DELTA_C]: zip2(ci, ci, () => 0) };
      const scale = 1 / (steps * lr);
      const drift = zip2(pickTensors(ctx.global, names), y, (x, yi) => (x - yi) * scale);
      const ciPlus = zip3(ci, c, drift, (a, b, d) => a - b + d);
      ctx.state.set(SCAFFOLD_C_I, ciPlus);
      return { [SCAFFOLD_DELTA_C]: zip2(ciPlus, ci, (a, b) => a - b) };
    },
    personalize: (ctx) => ctx.global,
  };
}

/** c from the directive and c_i from the site state (zeros before the site's first round), both checked. */
function controlVariates(ctx: SiteFitContext): { c: Weights; ci: Weights; names: string[] } {
  const names = trainableNames(ctx.layout);
  const reference = pickTensors(ctx.global, names);
  const c = ctx.directive.extra[SCAFFOLD_C];
  if (!c) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `scaffold: the server sent no "${SCAFFOLD_C}" control variate`, {
      where: `directive.extra["${SCAFFOLD_C}"]`,
      hint: 'the coordinator must run the scaffold server half',
    });
  }
  checkTensors('scaffold', 'the server', `extra["${SCAFFOLD_C}"]`, reference, c);
  const ci = ctx.state.get(SCAFFOLD_C_I) ?? zip2(reference, reference, () => 0);
  checkTensors('scaffold', 'this site', `state["${SCAFFOLD_C_I}"]`, reference, ci);
  return { c, ci, names };
}

/** SCAFFOLD's option II divides by the local learning rate, which only plain SGD applies as such. */
function localLr(ctx: SiteFitContext): number {
  const opt = ctx.baseOptions.optimizer;
  if (opt.name !== 'sgd') {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `scaffold needs plain SGD as the local optimizer, got "${opt.name}"`, {
      where: 'optimizer.name',
      hint: 'set the local optimizer to { name: sgd, lr: ... }; SCAFFOLD\'s control variates assume x − y_i = K·lr·(mean corrected gradient)',
    });
  }
  if (!(opt.lr > 0)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `scaffold needs a positive local learning rate, got ${opt.lr}`, { where: 'optimizer.lr' });
  }
  return opt.lr;
}
