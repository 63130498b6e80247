export { epsilonSpent, noiseMultiplierForEpsilon, type GaussianReleases } from './accounting.js';
export { clipFactor, clipInPlace, l2Norm } from './clip.js';
export { nextClipNorm, privateMeanOfDeltas, updateNoiseMultiplier } from './dp-fedavg-math.js';
export { dpSgdEpsilonAfter, resolveDpSgd, type ResolvedDpSgd } from './dp-sgd-config.js';
export { dpSgdPlan, type DpSgdPlan } from './dp-sgd-plan.js';
export { dpFedavgEpsilon, dpSgdRoundEpsilon, plannedDpSgdJob } from './job-planning.js';
export { addGaussianNoise, gaussianSource, secureUniform, type UniformSource } from './secure-random.js';
export { createDpGaussianFilter, dpGaussianFilter, type DpGaussianOptions } from './site-dp-filter.js';
