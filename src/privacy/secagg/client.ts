import { split } from 'shamir-secret-sharing';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { bytesLE, concatBytes, randomBytes } from './bytes.js';
import { thresholdFor, type SecAggConfig } from './config.js';
import { neighbourGraph } from './graph.js';
import { newKeyPair, open, pairKey, seal, shareAad, type KeyPair } from './keys.js';
import {
  SHARE_BYTES,
  advertiseKeysSchema,
  checkMessage,
  forwardedSharesSchema,
  maskedInputSchema,
  neighbourKeysSchema,
  shareKeysSchema,
  unmaskRequestSchema,
  unmaskResponseSchema,
  type AdvertiseKeys,
  type ForwardedShares,
  type MaskedInput,
  type NeighbourKeys,
  type ShareKeys,
  type UnmaskRequest,
  type UnmaskResponse,
} from './messages.js';
import { addMask } from './prg.js';
import { quantise } from './quantise.js';

type Stage = 'advertise' | 'share' | 'mask' | 'unmask' | 'done';
interface PeerKeys {
  cPublicKey: Uint8Array;
  sPublicKey: Uint8Array;
}
interface HeldShares {
  sKey: Uint8Array;
  selfMask: Uint8Array;
}

/**
 * One client of SecAgg+ as a state machine: call advertiseKeys, shareKeys, maskedInput, unmask in
 * order, passing the server's messages in. Every incoming message is schema-checked and must be
 * addressed to this client and round. Secrets never leave the object except as shares.
 */
export class SecAggClient {
  private stage: Stage = 'advertise';
  private readonly c: KeyPair = newKeyPair();
  private readonly s: KeyPair = newKeyPair();
  private readonly selfMaskSeed = randomBytes(32);
  private peers = new Map<string, PeerKeys>();
  private held = new Map<string, HeldShares>();
  private maskedWith = new Set<string>();
  private threshold = 0;

  constructor(
    readonly id: string,
    private readonly config: SecAggConfig,
  ) {}

  /** Stage 0: the two public keys (c for share encryption, s for masks). */
  advertiseKeys(): AdvertiseKeys {
    this.enter('advertise', 'share');
    return checkMessage(advertiseKeysSchema, { round: this.config.round, clientId: this.id, cPublicKey: this.c.publicKey, sPublicKey: this.s.publicKey }, 'advertiseKeys');
  }

  /** Stage 1: check the neighbour list against the graph seed, Shamir-share s_sk and b, encrypt a pair per neighbour. */
  async shareKeys(message: NeighbourKeys): Promise<ShareKeys> {
    const msg = this.addressed(checkMessage(neighbourKeysSchema, message, 'neighbourKeys'), 'neighbourKeys');
    this.enter('share', 'mask');
    const expected = neighbourGraph(msg.participants, this.config.neighbours, msg.graphSeed).get(this.id) ?? [];
    const given = msg.neighbours.map((n) => n.id).sort();
    if (expected.join('\n') !== given.join('\n')) {
      this.protocolError(`neighbour list [${given.join(', ')}] does not match the graph from the broadcast seed [${expected.join(', ')}]`);
    }
    this.threshold = thresholdFor(this.config, given.length);
    for (const n of msg.neighbours) this.peers.set(n.id, { cPublicKey: n.cPublicKey, sPublicKey: n.sPublicKey });
    const sShares = await split(this.s.secretKey, given.length, this.threshold);
    const bShares = await split(this.selfMaskSeed, given.length, this.threshold);
    const shares = msg.neighbours.map((n, i) => {
      const key = pairKey(this.c.secretKey, n.cPublicKey, 'share-encryption', this.config.round, this.id, n.id);
      const ciphertext = seal(key, shareAad(this.config.round, this.id, n.id), concatBytes(sShares[i], bShares[i]));
      return { to: n.id, ciphertext };
    });
    return checkMessage(shareKeysSchema, { round: this.config.round, clientId: this.id, shares }, 'shareKeys');
  }

  /** Stage 2: decrypt the forwarded shares, then quantise and mask the input with every neighbour that shared. */
  maskedInput(message: ForwardedShares, input: ArrayLike<number>): MaskedInput {
    const msg = this.addressed(checkMessage(forwardedSharesSchema, message, 'forwardedShares'), 'forwardedShares');
    this.enter('mask', 'unmask');
    if (input.length !== this.config.dimension) {
      throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `secure aggregation input has ${input.length} values, the round expects ${this.config.dimension}`, {
        where: `secagg/${this.id}`,
      });
    }
    for (const { from, ciphertext } of msg.shares) {
      const peer = this.peers.get(from);
      if (!peer) this.protocolError(`received shares from ${from}, which is not a neighbour`);
      if (this.held.has(from)) this.protocolError(`received two share pairs from ${from}`);
      const key = pairKey(this.c.secretKey, peer.cPublicKey, 'share-encryption', this.config.round, this.id, from);
      const plain = open(key, shareAad(this.config.round, from, this.id), ciphertext, `shares from ${from} to ${this.id}`);
      this.held.set(from, { sKey: plain.slice(0, SHARE_BYTES), selfMask: plain.slice(SHARE_BYTES) });
    }
    if (this.held.size < this.threshold) {
      throw new MedfedError(ErrorCodes.QUORUM_NOT_MET, `${this.id} received shares from ${this.held.size} neighbours, fewer than the threshold ${this.threshold}`, {
        where: `secagg/${this.id}`,
        hint: 'too many clients dropped before stage 2; the round cannot be made secure',
      });
    }
    const acc = quantise(input, this.config);
    const scratch = new Uint8Array(4 * acc.length);
    addMask(acc, this.selfMaskSeed, 1, this.config.modulusBits, scratch);
    for (const peerId of this.held.keys()) {
      const key = pairKey(this.s.secretKey, this.peers.get(peerId)!.sPublicKey, 'pairwise-mask', this.config.round, this.id, peerId);
      addMask(acc, key, this.id < peerId ? 1 : -1, this.config.modulusBits, scratch);
      this.maskedWith.add(peerId);
    }
    return checkMessage(maskedInputSchema, { round: this.config.round, clientId: this.id, masked: bytesLE(acc) }, 'maskedInput');
  }

  /**
   * Stage 3: reveal s-key shares of dropped neighbours and self-mask shares of survivors. Refuses when
   * a neighbour is in both lists, when fewer than t neighbours survived, or when a list names a
   * client this one holds no shares of.
   */
  unmask(message: UnmaskRequest): UnmaskResponse {
    const msg = this.addressed(checkMessage(unmaskRequestSchema, message, 'unmaskRequest'), 'unmaskRequest');
    this.enter('unmask', 'done');
    const dropped = new Set(msg.dropped);
    const both = msg.survived.filter((id) => dropped.has(id));
    if (both.length > 0) this.protocolError(`asked for both the s-key and the self-mask shares of ${both.join(', ')}; refusing`);
    if (dropped.size !== msg.dropped.length || new Set(msg.survived).size !== msg.survived.length) this.protocolError('unmask request lists a client twice');
    for (const id of [...msg.dropped, ...msg.survived]) {
      if (!this.held.has(id)) this.protocolError(`unmask request names ${id}, whose shares this client does not hold`);
    }
    const survivorsWithMe = msg.survived.length + 1;
    if (survivorsWithMe < this.threshold) {
      this.protocolError(`only ${survivorsWithMe} of this neighbourhood survived, fewer than the threshold ${this.threshold}; refusing to unmask`);
    }
    const sKeyShares = msg.dropped.map((of) => ({ of, share: this.held.get(of)!.sKey }));
    const selfMaskShares = msg.survived.map((of) => ({ of, share: this.held.get(of)!.selfMask }));
    return checkMessage(unmaskResponseSchema, { round: this.config.round, clientId: this.id, sKeyShares, selfMaskShares }, 'unmaskResponse');
  }

  private addressed<T extends { round: number; clientId: string }>(msg: T, name: string): T {
    if (msg.round !== this.config.round || msg.clientId !== this.id) {
      this.protocolError(`${name} is for ${msg.clientId} round ${msg.round}, not ${this.id} round ${this.config.round}`);
    }
    return msg;
  }

  private enter(expected: Stage, next: Stage): void {
    if (this.stage !== expected) this.protocolError(`called the ${expected} stage while at the ${this.stage} stage`);
    this.stage = next;
  }

  private protocolError(message: string): never {
    throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `secure aggregation client ${this.id}: ${message}`, { where: `secagg/${this.id}` });
  }
}
