import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { coordinateMedian } from './aggregators/coordinate-median.js';
import { checkKrumQuorum, krum as krumRule } from './aggregators/krum.js';
import { normBound as normBoundRule } from './aggregators/norm-bound.js';
import { trimmedMean as trimmedMeanRule } from './aggregators/trimmed-mean.js';
import { boundedNumber, choiceOption, numberOption } from './option-schemas.js';
import { plainSite } from './plain-site.js';
import { robustServer } from './robust-server.js';
import type { RoundContext, StrategyPlugin } from './strategy.js';

/**
 * Robust aggregation strategies: one plug-in per rule, each with only its own options. Sites train
 * as in FedAvg. Replies are weighted equally by default: a Byzantine site can claim any example
 * count, and with `weighting: examples` a claimed count buys influence. See docs/robust-aggregation.md.
 */
const weighting = choiceOption(['uniform', 'examples'], 'uniform');
const byzantine = boundedNumber({ min: 0 }).int({ error: 'expected an integer' }).default(0);

const medianOptions = z.strictObject({ weighting });
export const median: StrategyPlugin<typeof medianOptions> = {
  name: 'median',
  description: 'Coordinate-wise median of the sites\' weights (Yin et al. 2018); robust to fewer than half arbitrary replies',
  schema: medianOptions,
  createServer: (o) => robustServer('median', coordinateMedian, o.weighting),
  createSite: () => plainSite(),
};

const trimmedMeanOptions = z.strictObject({ beta: numberOption(0.1, { min: 0, lt: 0.5 }), weighting });
export const trimmedMean: StrategyPlugin<typeof trimmedMeanOptions> = {
  name: 'trimmed-mean',
  description: 'Coordinate-wise mean without the ⌊beta·n⌋ lowest and highest values (Yin et al. 2018)',
  schema: trimmedMeanOptions,
  createServer: (o) => robustServer('trimmed-mean', trimmedMeanRule({ beta: o.beta }), o.weighting),
  createSite: () => plainSite(),
};

const krumOptions = z.strictObject({ f: byzantine });
export const krum: StrategyPlugin<typeof krumOptions> = {
  name: 'krum',
  description: 'Krum (Blanchard et al. 2017): the one reply closest to its n − f − 2 nearest neighbours; tolerates f Byzantine sites',
  schema: krumOptions,
  createServer: (o) => robustServer('krum', krumRule({ f: o.f, m: 1 }), 'uniform', krumChecks('krum', o.f, 1)),
  createSite: () => plainSite(),
};

const multiKrumOptions = z.strictObject({ f: byzantine, m: boundedNumber({ min: 1 }).int({ error: 'expected an integer' }).optional(), weighting });
export const multiKrum: StrategyPlugin<typeof multiKrumOptions> = {
  name: 'multi-krum',
  description: 'Multi-Krum (Blanchard et al. 2017): mean of the m best Krum-scored replies (default m = n − f)',
  schema: multiKrumOptions,
  createServer: (o) => robustServer('multi-krum', krumRule({ f: o.f, m: o.m }), o.weighting, krumChecks('multi-krum', o.f, o.m)),
  createSite: () => plainSite(),
};

const normBoundOptions = z.strictObject({ bound: numberOption(5, { gt: 0 }), weighting });
export const normBound: StrategyPlugin<typeof normBoundOptions> = {
  name: 'norm-bound',
  description: 'Norm bounding (Sun et al. 2019): each reply\'s delta from the global model clipped to L2 norm `bound`, then averaged',
  schema: normBoundOptions,
  createServer: (o) => robustServer('norm-bound', normBoundRule({ bound: o.bound }), o.weighting),
  createSite: () => plainSite(),
};

/** Krum's f (and m) against the federation (CONFIG_INVALID) and against each round's replies (QUORUM_NOT_MET). */
function krumChecks(name: string, f: number, m: number | undefined) {
  return {
    federation: (ctx: RoundContext) => {
      const n = ctx.totalSites;
      if ((f >= 1 && n <= 2 * f + 2) || (m !== undefined && m > n - f)) {
        const need = f >= 1 && n <= 2 * f + 2 ? `f = ${f} needs more than 2f + 2 = ${2 * f + 2} sites` : `m = ${m} needs at least m + f = ${(m ?? 0) + f} sites`;
        throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${name}: ${need}; the federation has ${n}`, {
          where: `strategy "${name}" options`,
          hint: 'lower f (or m), or add sites',
        });
      }
    },
    round: (replies: number) => checkKrumQuorum(name, replies, f, m ?? replies - f, 'replies'),
  };
}
