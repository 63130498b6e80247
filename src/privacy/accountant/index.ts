/** Differential-privacy accounting for Poisson-subsampled Gaussian releases (see docs/privacy-accounting.md). */
export { PrivacyAccountant, type AccountantKind, type AccountantState, type PrivacyAccountantOptions } from './privacy-accountant.js';
export { rdpEpsilon, rdpEpsilonDetailed, rdpDelta, computeRdp, DEFAULT_RDP_ORDERS, OPACUS_DEFAULT_ALPHAS, type RdpParams } from './rdp.js';
export { rdpToEpsilon, rdpToDelta, type RdpConversion } from './rdp-conversion.js';
export { pldEpsilon, pldDelta, composeGaussianBlocks, composedEpsilon, composedDelta, DEFAULT_PLD_DISCRETIZATION, DEFAULT_PLD_MAX_BINS, DEFAULT_PLD_TAIL_MASS, type PldOptions, type PldParams, type GaussianBlock } from './pld.js';
export { noiseMultiplierFor, SIGMA_FLOOR, type NoiseMultiplierQuery } from './calibrate.js';
