/**
 * A stateful accountant for a site's privacy ledger: record each noisy release (or block
 * of releases) with `step(q, sigma, count)`, read the spent ε at δ with `epsilon(delta)`,
 * and check a planned job with `epsilonIfStepped` before anything is released.
 * The history is plain data (`toJSON` / `PrivacyAccountant.fromJSON`) for the audit trail.
 */
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { composeGaussianBlocks, composedDelta, composedEpsilon, type ComposedPld, type GaussianBlock, type PldOptions } from './pld.js';
import { rdpToDelta, rdpToEpsilon, type RdpConversion } from './rdp-conversion.js';
import { rdpSubsampledGaussian } from './rdp-sampled-gaussian.js';
import { DEFAULT_RDP_ORDERS } from './rdp.js';
import { checkDelta, checkEpsilon, checkNoiseMultiplier, checkOrders, checkSamplingRate, checkSteps } from './validate.js';

export type AccountantKind = 'rdp' | 'pld';

export interface PrivacyAccountantOptions {
  /** 'rdp' (fast, looser) or 'pld' (tighter, slower); default 'rdp'. */
  kind?: AccountantKind;
  /** RDP orders (kind 'rdp'). */
  orders?: readonly number[];
  /** RDP to (ε, δ) conversion (kind 'rdp'), default 'improved'. */
  conversion?: RdpConversion;
  /** PLD discretisation options (kind 'pld'). */
  pld?: PldOptions;
}

export interface AccountantState {
  kind: AccountantKind;
  history: GaussianBlock[];
}

export class PrivacyAccountant {
  readonly kind: AccountantKind;
  private readonly orders: readonly number[];
  private readonly conversion: RdpConversion;
  private readonly pldOptions: PldOptions;
  private readonly blocks: GaussianBlock[] = [];
  private rdp: number[];
  private pldCache: ComposedPld | null = null;
  private readonly rdpCache = new Map<string, number[]>();

  constructor(opts: PrivacyAccountantOptions = {}) {
    const kind = opts.kind ?? 'rdp';
    if (kind !== 'rdp' && kind !== 'pld') {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `privacy accountant: kind must be 'rdp' or 'pld', got ${String(kind)}`, { where: 'kind' });
    }
    this.kind = kind;
    this.orders = opts.orders === undefined ? DEFAULT_RDP_ORDERS : checkOrders(opts.orders);
    this.conversion = opts.conversion ?? 'improved';
    this.pldOptions = opts.pld ?? {};
    this.rdp = this.orders.map(() => 0);
  }

  /** Records `count` releases of the Gaussian mechanism with Poisson sampling rate q and noise multiplier σ. */
  step(q: number, sigma: number, count = 1): this {
    const block = { q: checkSamplingRate(q), sigma: checkNoiseMultiplier(sigma), count: checkSteps(count, 'count') };
    if (block.count === 0) return this;
    const last = this.blocks[this.blocks.length - 1];
    if (last && last.q === block.q && last.sigma === block.sigma) last.count += block.count;
    else this.blocks.push({ ...block });
    const perStep = this.rdpPerStep(block.q, block.sigma);
    this.rdp = this.rdp.map((r, i) => r + perStep[i] * block.count);
    this.pldCache = null;
    return this;
  }

  /** The releases recorded so far (consecutive equal (q, σ) merged). */
  get history(): readonly Readonly<GaussianBlock>[] {
    return this.blocks.map((b) => ({ ...b }));
  }

  /** ε spent at δ: an upper bound for everything recorded. */
  epsilon(delta: number): number {
    checkDelta(delta);
    if (this.kind === 'rdp') return rdpToEpsilon(this.orders, this.rdp, delta, this.conversion).epsilon;
    return composedEpsilon(this.composed(), delta);
  }

  /** δ at ε for everything recorded. */
  delta(epsilon: number): number {
    checkEpsilon(epsilon);
    if (this.kind === 'rdp') return rdpToDelta(this.orders, this.rdp, epsilon, this.conversion).delta;
    return composedDelta(this.composed(), epsilon);
  }

  /** ε at δ if `count` more releases (q, σ) were recorded; this accountant is not changed. */
  epsilonIfStepped(q: number, sigma: number, count: number, delta: number): number {
    return this.clone().step(q, sigma, count).epsilon(delta);
  }

  clone(): PrivacyAccountant {
    const copy = new PrivacyAccountant({ kind: this.kind, orders: this.orders, conversion: this.conversion, pld: this.pldOptions });
    for (const b of this.blocks) copy.step(b.q, b.sigma, b.count);
    return copy;
  }

  toJSON(): AccountantState {
    return { kind: this.kind, history: this.blocks.map((b) => ({ ...b })) };
  }

  /** Rebuilds an accountant from `toJSON()` output (every entry is re-validated). */
  static fromJSON(state: AccountantState, opts: Omit<PrivacyAccountantOptions, 'kind'> = {}): PrivacyAccountant {
    if (state === null || typeof state !== 'object' || !Array.isArray(state.history)) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'privacy accountant state must be { kind, history: [{ q, sigma, count }] }', { where: 'history' });
    }
    const acc = new PrivacyAccountant({ ...opts, kind: state.kind });
    state.history.forEach((b, i) => {
      if (b === null || typeof b !== 'object') {
        throw new MedfedError(ErrorCodes.CONFIG_INVALID, `privacy accountant history entry ${i} is not an object`, { where: `history[${i}]` });
      }
      acc.step(checkSamplingRate(b.q, `history[${i}].q`), checkNoiseMultiplier(b.sigma, `history[${i}].sigma`), checkSteps(b.count, `history[${i}].count`));
    });
    return acc;
  }

  /** RDP of one release at each order, cached per (q, σ) so repeated steps are cheap. */
  private rdpPerStep(q: number, sigma: number): number[] {
    const key = `${q}/${sigma}`;
    let rdp = this.rdpCache.get(key);
    if (rdp === undefined) {
      rdp = rdpSubsampledGaussian(q, sigma, 1, this.orders);
      if (this.rdpCache.size > 64) this.rdpCache.clear();
      this.rdpCache.set(key, rdp);
    }
    return rdp;
  }

  private composed(): ComposedPld {
    if (this.pldCache === null) this.pldCache = composeGaussianBlocks(this.blocks, this.pldOptions);
    return this.pldCache;
  }
}
