import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { HeReply, HeRequest, SiteReply } from '../core/messages.js';
import type { HomomorphicEncryptionSpec } from '../core/study-spec.js';
import type { Tensor, Weights } from '../core/tensors.js';
import { HeAggregator } from '../privacy/he/aggregate.js';
import { addDelta, heRoundLayout, sharedCkksContext } from '../privacy/he/federated.js';
import type { CkksParams } from '../privacy/he/params.js';
import type { CkksContext } from '../privacy/he/seal-context.js';
import { randomBytes } from '../privacy/secagg/bytes.js';
import type { SiteConnection } from '../transport/transport.js';
import { beforeDeadline } from './round-deadline.js';
import { SECURE_AGGREGATION_STRATEGIES } from './secure-round.js';

/**
 * The coordinator's side of CKKS aggregation (docs/homomorphic-encryption.md). It holds no key at
 * all: it draws the public seed, forwards the key holders' public shares, adds ciphertexts
 * (HeAggregator) and combines the holders' partial decryptions of the aggregate. Every site of the
 * run is a key holder and the key is n-of-n: without every holder's partial decryption the
 * aggregate cannot be read, so a holder that does not answer fails the round (QUORUM_NOT_MET).
 */

/** CKKS settings of a run (study spec `federation.homomorphicEncryption`). */
export interface HomomorphicEncryptionOptions {
  readonly params: CkksParams;
  /** Training examples of all the run's sites (prepare replies): site i weights its update by n_i / exampleTotal. */
  readonly exampleTotal: number;
}

/** The CKKS parameters of a spec's `federation.homomorphicEncryption` block (every field but `scheme`). */
export function ckksParamsOf(spec: HomomorphicEncryptionSpec): CkksParams {
  const { scheme: _scheme, ...params } = spec;
  return params;
}

/**
 * A study with `federation.homomorphicEncryption` is refused before anything runs if it also sets
 * secureAggregation or lists a strategy that needs each site's own update (runFederated checks
 * the same for every run).
 */
export function checkHomomorphicStudy(federation: { readonly homomorphicEncryption?: unknown; readonly secureAggregation?: unknown }, strategies: readonly { readonly name: string; readonly label?: string }[]): void {
  if (!federation.homomorphicEncryption) return;
  const where = 'federation.homomorphicEncryption';
  if (federation.secureAggregation) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'federation.homomorphicEncryption and federation.secureAggregation are both set; a run uses one or the other', { where, hint: 'remove one of the two blocks' });
  }
  const bad = strategies.filter((s) => !SECURE_AGGREGATION_STRATEGIES.includes(s.name));
  if (bad.length > 0) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `strategies ${bad.map((s) => `"${s.label ?? s.name}" (${s.name})`).join(', ')} need each site's own update; with homomorphic encryption the coordinator decrypts only their weighted mean`, {
      where,
      hint: `use only ${SECURE_AGGREGATION_STRATEGIES.join(', ')}, or turn homomorphic encryption off`,
    });
  }
}

/** The run's CKKS state at the coordinator: the parameters bound to SEAL (no key) and the key holders. */
export interface HeRunKeys {
  readonly ctx: CkksContext;
  readonly keyHolders: readonly string[];
}

export interface HeContribution {
  readonly siteId: string;
  readonly numExamples: number;
  readonly bytes: Uint8Array;
}

export interface HeRoundResult {
  /** global + the decrypted example-weighted mean update. */
  readonly weights: Map<string, Tensor>;
  /** Sites whose update is in the mean, and their examples in total. */
  readonly contributors: readonly string[];
  readonly numExamples: number;
  /** Sites whose contribution was refused (bad message), with the reason; the sum is untouched by them. */
  readonly refused: Readonly<Record<string, string>>;
}

type StageReply<S extends HeRequest['stage']> = Extract<HeReply, { stage: S }>;

/** Sends one stage's request to every key holder; all must answer (n-of-n), else QUORUM_NOT_MET naming the holders that did not. */
async function everyHolder<S extends HeRequest['stage']>(
  o: { readonly sites: readonly SiteConnection[]; readonly keyHolders: readonly string[]; readonly deadlineAt?: number; readonly signal?: AbortSignal },
  stage: S,
  what: string,
  request: (siteId: string) => Extract<HeRequest, { stage: S }>,
): Promise<Map<string, StageReply<S>>> {
  const settled = await Promise.allSettled(
    o.keyHolders.map(async (id) => {
      const conn = o.sites.find((s) => s.siteId === id);
      if (!conn) throw new MedfedError(ErrorCodes.SITE_FAILURE, `no connection to key holder ${id}`);
      const reply: SiteReply = await beforeDeadline(conn.request(request(id)), o.deadlineAt, `key holder ${id} ${what}`, o.signal);
      if (reply.kind === 'error') throw MedfedError.fromJSON(reply.error);
      if (reply.kind !== 'he' || reply.stage !== stage || reply.siteId !== id) {
        throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `key holder ${id} answered "${reply.kind}" to the CKKS ${stage} request`);
      }
      return reply as StageReply<S>;
    }),
  );
  const out = new Map<string, StageReply<S>>();
  const missing: string[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') out.set(o.keyHolders[i], s.value);
    else {
      if (o.signal?.aborted) throw s.reason;
      missing.push(`${o.keyHolders[i]}: ${s.reason instanceof MedfedError ? s.reason.describe() : String(s.reason)}`);
    }
  });
  if (missing.length > 0) {
    throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `${what}: ${missing.length} of ${o.keyHolders.length} CKKS key holders did not answer (${missing.join('; ')})`, {
      where: 'federation.homomorphicEncryption',
      hint: 'the CKKS key is shared n-of-n by all sites: every site must answer. Fix or remove the failing site and start the run again (a new key setup); t-of-n threshold decryption is not built',
    });
  }
  return out;
}

/**
 * Key setup, once per run: a fresh public 32-byte seed to every site, which draws its secret share
 * and returns its public share; then all shares to every site, which combines the collective public
 * key itself and reports its digest. All digests must agree.
 */
export async function heKeySetup(o: {
  readonly jobId: string;
  readonly sites: readonly SiteConnection[];
  readonly params: CkksParams;
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
}): Promise<HeRunKeys> {
  const ctx = await sharedCkksContext(o.params);
  const keyHolders = o.sites.map((s) => s.siteId);
  const deadlineAt = o.deadlineMs === undefined ? undefined : Date.now() + o.deadlineMs;
  const seed = randomBytes(32);
  const base = { sites: o.sites, keyHolders, deadlineAt, signal: o.signal };
  const shares = await everyHolder(base, 'key-share', 'CKKS key setup (public key shares)', () => ({ kind: 'he', jobId: o.jobId, stage: 'key-share', params: ctx.params, seed }));
  const forwarded = keyHolders.map((id) => ({ from: id, bytes: shares.get(id)!.share }));
  const keys = await everyHolder(base, 'public-key', 'CKKS key setup (collective public key)', () => ({ kind: 'he', jobId: o.jobId, stage: 'public-key', shares: forwarded }));
  const digests = new Set([...keys.values()].map((k) => k.publicKeySha256));
  if (digests.size !== 1) {
    throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `the sites computed ${digests.size} different CKKS public keys from the same shares`, {
      where: 'federation.homomorphicEncryption',
      hint: 'every site must run the same medfed version and CKKS parameters',
    });
  }
  return { ctx, keyHolders };
}

/**
 * One CKKS round at the coordinator: check and add the sites' encrypted contributions, send the
 * aggregate's c1 to every key holder, combine their partial decryptions and decode the
 * example-weighted mean update Σ n_i Δ_i / Σ n_i; returns global + that mean.
 */
export async function heAggregateRound(o: {
  readonly jobId: string;
  readonly round: number;
  readonly sites: readonly SiteConnection[];
  readonly keys: HeRunKeys;
  readonly contributions: readonly HeContribution[];
  readonly global: Weights;
  readonly deadlineAt?: number;
  readonly signal?: AbortSignal;
}): Promise<HeRoundResult> {
  const { ctx, keyHolders } = o.keys;
  const layout = heRoundLayout(o.global);
  const aggregator = new HeAggregator(ctx, layout, o.round);
  const refused: Record<string, string> = {};
  const examples = new Map<string, number>();
  for (const c of o.contributions) {
    try {
      aggregator.add(c.siteId, c.bytes);
      examples.set(c.siteId, c.numExamples);
    } catch (e) {
      // A refused message leaves the running sum untouched; the site counts as failed this round.
      refused[c.siteId] = e instanceof MedfedError ? e.describe() : String(e);
    }
  }
  const aggregate = aggregator.aggregateRequest();
  const partials = await everyHolder({ sites: o.sites, keyHolders, deadlineAt: o.deadlineAt, signal: o.signal }, 'decrypt', `round ${o.round} CKKS decryption`, () => ({
    kind: 'he',
    jobId: o.jobId,
    stage: 'decrypt',
    round: o.round,
    count: aggregator.count,
    layoutFingerprint: layout.fingerprint,
    aggregate,
  }));
  const mean = aggregator.decrypt(
    keyHolders.map((id) => ({ from: id, bytes: partials.get(id)!.partial })),
    keyHolders.length,
  );
  const contributors = aggregator.sites;
  return { weights: addDelta(o.global, mean), contributors, numExamples: contributors.reduce((a, id) => a + examples.get(id)!, 0), refused };
}
