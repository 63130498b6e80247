import type { Tensor, Weights } from '../../core/tensors.js';
import { randomBytes } from '../secagg/bytes.js';
import { HeAggregator } from './aggregate.js';
import { encryptUpdate } from './encrypt.js';
import { combinePublicKey, HeKeyHolder } from './keys.js';
import { heLayout } from './layout.js';
import type { CkksContext } from './seal-context.js';

export interface HeRoundInput {
  readonly siteId: string;
  readonly update: Weights;
  readonly numExamples: number;
}

export interface HeRoundTimings {
  /** Per site: encode + encrypt + serialise, ms (wall clock). */
  readonly clientMs: number[];
  /** Per site: the same, in process CPU time (user + system), ms; empty where the platform has no CPU clock (browsers). */
  readonly clientCpuMs: number[];
  /** Coordinator: check and sum every contribution, ms. */
  readonly sumMs: number;
  /** Per key holder: partial decryption, ms. */
  readonly partialMs: number[];
  /** Coordinator: combine and decode, ms. */
  readonly combineMs: number;
  /** Bytes of each contribution. */
  readonly contributionBytes: number[];
  /** Key setup (shares + public key), ms. */
  readonly keySetupMs: number;
}

/** Process CPU time (user + system) in ms where the platform has one (Node), else undefined. */
function cpuMs(): number | undefined {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : undefined;
}

/**
 * One CKKS FedAvg round in memory: `keyHolders` parties set up the collective key (pass the site
 * ids for the threshold model, or one dedicated id for the key-holder model), every site encrypts
 * its update weighted by n_i / sum n, the coordinator sums, the key holders partially decrypt the
 * aggregate only, and the coordinator decodes the example-weighted mean.
 */
export function runHeRound(ctx: CkksContext, inputs: readonly HeRoundInput[], keyHolderIds: readonly string[], round = 1): { mean: Map<string, Tensor>; timings: HeRoundTimings } {
  const t = () => performance.now();
  let t0 = t();
  const seed = randomBytes(32);
  const holders = keyHolderIds.map((id) => HeKeyHolder.create(ctx, id, seed));
  const publicKey = combinePublicKey(ctx, seed, holders.map((h) => ({ from: h.id, bytes: h.publicShare })));
  const keySetupMs = t() - t0;
  const layout = heLayout(inputs[0].update);
  const total = inputs.reduce((s, i) => s + i.numExamples, 0);
  const clientMs: number[] = [];
  const clientCpuMs: number[] = [];
  const contributions = inputs.map((input) => {
    const c0 = cpuMs();
    t0 = t();
    const { bytes } = encryptUpdate(ctx, publicKey, layout, input.update, input.numExamples / total, round);
    clientMs.push(t() - t0);
    const c1 = cpuMs();
    if (c0 !== undefined && c1 !== undefined) clientCpuMs.push(c1 - c0);
    return { siteId: input.siteId, bytes };
  });
  publicKey.delete();
  t0 = t();
  const aggregator = new HeAggregator(ctx, layout, round);
  for (const c of contributions) aggregator.add(c.siteId, c.bytes);
  const request = aggregator.aggregateRequest();
  const sumMs = t() - t0;
  const partialMs: number[] = [];
  const partials = holders.map((h) => {
    t0 = t();
    const bytes = h.partialDecrypt(request, { round, count: aggregator.count, layoutFingerprint: layout.fingerprint });
    partialMs.push(t() - t0);
    return { from: h.id, bytes };
  });
  t0 = t();
  const mean = aggregator.decrypt(partials, holders.length);
  const combineMs = t() - t0;
  return { mean, timings: { clientMs, clientCpuMs, sumMs, partialMs, combineMs, contributionBytes: contributions.map((c) => c.bytes.length), keySetupMs } };
}
