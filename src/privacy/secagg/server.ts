import type { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { randomBytes } from './bytes.js';
import { thresholdFor, type SecAggConfig } from './config.js';
import { neighbourGraph } from './graph.js';
import {
  advertiseKeysSchema,
  checkMessage,
  maskedInputSchema,
  shareKeysSchema,
  unmaskResponseSchema,
  type AdvertiseKeys,
  type ForwardedShares,
  type MaskedInput,
  type NeighbourKeys,
  type ShareKeys,
  type UnmaskRequest,
  type UnmaskResponse,
} from './messages.js';
import { dequantiseSum } from './quantise.js';
import { recoverQuantisedSum } from './recover-sum.js';

export interface SecAggResult {
  /** Dequantised sum of the survivors' (clipped) inputs. */
  sum: Float64Array;
  /** The same sum as integers mod 2^modulusBits. */
  quantisedSum: Uint32Array;
  /** Clients whose inputs are in the sum (sent a masked vector), sorted. */
  survivors: string[];
  /** Clients that advertised keys but whose input is not in the sum, sorted. */
  dropped: string[];
}

type Stage = 'advertise' | 'share' | 'mask' | 'unmask' | 'done';

/**
 * The SecAgg+ server as a state machine. For each stage: receive* for every message that arrives
 * (schema-checked), then the closing call (neighbourKeys, forwardShares, unmaskRequests, result)
 * once the stage's deadline passes; a client whose message is missing at that point has dropped.
 */
export class SecAggServer {
  private stage: Stage = 'advertise';
  private readonly keys = new Map<string, AdvertiseKeys>();
  private graph = new Map<string, string[]>();
  private threshold = 0;
  private readonly shares = new Map<string, ShareKeys>();
  private readonly masked = new Map<string, Uint8Array>();
  private readonly requests = new Map<string, UnmaskRequest>();
  private readonly responded = new Set<string>();
  private readonly sKeyShares = new Map<string, Uint8Array[]>();
  private readonly selfMaskShares = new Map<string, Uint8Array[]>();

  constructor(
    private readonly config: SecAggConfig,
    /** 256-bit seed of the neighbour graph, broadcast to clients so they can check it. */
    readonly graphSeed: Uint8Array = randomBytes(32),
  ) {}

  receiveAdvertiseKeys(message: AdvertiseKeys): void {
    const msg = this.accept(advertiseKeysSchema, message, 'advertiseKeys', 'advertise');
    if (this.keys.has(msg.clientId)) this.protocolError(`${msg.clientId} advertised keys twice`);
    if (this.keys.size >= this.config.maxClients) this.protocolError(`more than maxClients = ${this.config.maxClients} clients advertised keys`);
    this.keys.set(msg.clientId, msg);
  }

  /** Close stage 0: build the graph over the clients that advertised, one message per client. */
  neighbourKeys(): NeighbourKeys[] {
    this.enter('advertise', 'share');
    const participants = [...this.keys.keys()].sort();
    if (participants.length < 3) this.quorum(`only ${participants.length} clients advertised keys; secure aggregation needs at least 3`);
    this.graph = neighbourGraph(participants, this.config.neighbours, this.graphSeed);
    this.threshold = thresholdFor(this.config, this.graph.get(participants[0])!.length);
    return participants.map((clientId) => ({
      round: this.config.round,
      clientId,
      graphSeed: this.graphSeed,
      participants,
      neighbours: this.graph.get(clientId)!.map((id) => ({ id, cPublicKey: this.keys.get(id)!.cPublicKey, sPublicKey: this.keys.get(id)!.sPublicKey })),
    }));
  }

  receiveShareKeys(message: ShareKeys): void {
    const msg = this.accept(shareKeysSchema, message, 'shareKeys', 'share');
    const expected = this.graph.get(msg.clientId);
    if (!expected) this.protocolError(`${msg.clientId} sent shares without advertising keys`);
    if (this.shares.has(msg.clientId)) this.protocolError(`${msg.clientId} sent shares twice`);
    const to = msg.shares.map((s) => s.to).sort();
    if (to.join('\n') !== expected.join('\n')) this.protocolError(`${msg.clientId} addressed shares to [${to.join(', ')}], not to its neighbours`);
    this.shares.set(msg.clientId, msg);
  }

  /** Close stage 1: forward to each client that shared the ciphertexts from its neighbours that shared. */
  forwardShares(): ForwardedShares[] {
    this.enter('share', 'mask');
    const shared = [...this.shares.keys()].sort();
    if (shared.length < this.threshold) this.quorum(`only ${shared.length} clients shared keys, fewer than the threshold ${this.threshold}`);
    return shared.map((clientId) => ({
      round: this.config.round,
      clientId,
      shares: this.graph
        .get(clientId)!
        .filter((from) => this.shares.has(from))
        .map((from) => ({ from, ciphertext: this.shares.get(from)!.shares.find((s) => s.to === clientId)!.ciphertext })),
    }));
  }

  receiveMaskedInput(message: MaskedInput): void {
    const msg = this.accept(maskedInputSchema, message, 'maskedInput', 'mask');
    if (!this.shares.has(msg.clientId)) this.protocolError(`${msg.clientId} sent a masked input without sharing keys`);
    if (this.masked.has(msg.clientId)) this.protocolError(`${msg.clientId} sent a masked input twice`);
    if (msg.masked.length !== 4 * this.config.dimension) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${msg.clientId} sent ${msg.masked.length / 4} values, the round expects ${this.config.dimension}`, {
        where: `secagg/${msg.clientId}`,
      });
    }
    this.masked.set(msg.clientId, msg.masked);
  }

  /** Close stage 2: ask each survivor for s-key shares of dropped neighbours and self-mask shares of surviving ones. */
  unmaskRequests(): UnmaskRequest[] {
    this.enter('mask', 'unmask');
    const survivors = [...this.masked.keys()].sort();
    if (survivors.length < this.threshold) this.quorum(`only ${survivors.length} clients sent masked inputs, fewer than the threshold ${this.threshold}`);
    for (const clientId of survivors) {
      const mine = this.graph.get(clientId)!.filter((id) => this.shares.has(id));
      this.requests.set(clientId, {
        round: this.config.round,
        clientId,
        dropped: mine.filter((id) => !this.masked.has(id)),
        survived: mine.filter((id) => this.masked.has(id)),
      });
    }
    return [...this.requests.values()];
  }

  receiveUnmaskResponse(message: UnmaskResponse): void {
    const msg = this.accept(unmaskResponseSchema, message, 'unmaskResponse', 'unmask');
    const req = this.requests.get(msg.clientId);
    if (!req) this.protocolError(`${msg.clientId} answered an unmask request it was not sent`);
    if (this.responded.has(msg.clientId)) this.protocolError(`${msg.clientId} answered the unmask request twice`);
    const same = (a: string[], b: string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');
    if (!same(msg.sKeyShares.map((s) => s.of), req.dropped) || !same(msg.selfMaskShares.map((s) => s.of), req.survived)) {
      this.protocolError(`${msg.clientId} answered with shares for other clients than it was asked for`);
    }
    this.responded.add(msg.clientId);
    for (const { of, share } of msg.sKeyShares) push(this.sKeyShares, of, share);
    for (const { of, share } of msg.selfMaskShares) push(this.selfMaskShares, of, share);
  }

  /** Close stage 3: reconstruct, unmask and dequantise the survivors' sum. */
  async result(): Promise<SecAggResult> {
    this.enter('unmask', 'done');
    const quantisedSum = await recoverQuantisedSum({
      config: this.config,
      threshold: this.threshold,
      graph: this.graph,
      sPublicKeys: new Map([...this.keys].map(([id, k]) => [id, k.sPublicKey])),
      shared: new Set(this.shares.keys()),
      masked: this.masked,
      sKeyShares: this.sKeyShares,
      selfMaskShares: this.selfMaskShares,
    });
    const survivors = [...this.masked.keys()].sort();
    return {
      sum: dequantiseSum(quantisedSum, this.config),
      quantisedSum,
      survivors,
      dropped: [...this.keys.keys()].filter((id) => !this.masked.has(id)).sort(),
    };
  }

  private accept<T extends { round: number; clientId: string }>(schema: z.ZodType<T>, value: T, name: string, stage: Stage): T {
    const msg = checkMessage(schema, value, name);
    if (this.stage !== stage) this.protocolError(`${name} from ${msg.clientId} arrived at the ${this.stage} stage`);
    if (msg.round !== this.config.round) this.protocolError(`${name} from ${msg.clientId} is for round ${msg.round}, not ${this.config.round}`);
    return msg;
  }

  private enter(expected: Stage, next: Stage): void {
    if (this.stage !== expected) this.protocolError(`cannot close the ${expected} stage while at the ${this.stage} stage`);
    this.stage = next;
  }

  private quorum(message: string): never {
    throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `secure aggregation round ${this.config.round}: ${message}`, { where: 'secagg/server' });
  }

  private protocolError(message: string): never {
    throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `secure aggregation server: ${message}`, { where: 'secagg/server' });
  }
}

function push(map: Map<string, Uint8Array[]>, key: string, value: Uint8Array): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
