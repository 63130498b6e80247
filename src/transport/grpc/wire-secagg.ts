import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { SecAggReply, SecAggRequest } from '../../core/messages.js';
import { SECAGG_LIMITS } from '../../privacy/secagg/config.js';

/**
 * SecAgg+ messages on the wire: keys, shares and ciphertexts (tens of bytes each) as lowercase hex
 * in the JSON header, the masked vector (4 bytes per parameter) as a blob. Each stage is converted
 * field by field; the secagg client and server schema-check the result again (exact lengths).
 */
const hex = (maxBytes: number) => z.string().max(2 * maxBytes).regex(/^(?:[0-9a-f]{2})*$/, 'lowercase hex bytes');
const id = z.string().min(1).max(SECAGG_LIMITS.maxIdLength);
const ids = z.array(id).max(SECAGG_LIMITS.maxClients);
const round = z.number().int().min(0).max(2 ** 32 - 1);
const key = hex(32);
const sealed = hex(256);
const share = hex(64);
const text = z.string().min(1).max(512);
const nonNeg = z.number().int().nonnegative();

const neighbourKeys = z.strictObject({
  round,
  clientId: id,
  graphSeed: key,
  participants: ids,
  neighbours: z.array(z.strictObject({ id, cPublicKey: key, sPublicKey: key })).max(SECAGG_LIMITS.maxClients),
});
const forwardedShares = z.strictObject({ round, clientId: id, shares: z.array(z.strictObject({ from: id, ciphertext: sealed })).max(SECAGG_LIMITS.maxClients) });
const unmaskRequest = z.strictObject({ round, clientId: id, dropped: ids, survived: ids });
const shareKeys = z.strictObject({ round, clientId: id, shares: z.array(z.strictObject({ to: id, ciphertext: sealed })).max(SECAGG_LIMITS.maxClients) });
const maskedInput = z.strictObject({ round, clientId: id, masked: nonNeg });
const revealed = z.array(z.strictObject({ of: id, share })).max(SECAGG_LIMITS.maxClients);
const unmaskResponse = z.strictObject({ round, clientId: id, sKeyShares: revealed, selfMaskShares: revealed });

const requestBase = { kind: z.literal('secagg'), jobId: text, round: nonNeg };
export const wireSecAggRequestSchema = z.discriminatedUnion('stage', [
  z.strictObject({ ...requestBase, stage: z.literal('share'), message: neighbourKeys }),
  z.strictObject({ ...requestBase, stage: z.literal('mask'), message: forwardedShares }),
  z.strictObject({ ...requestBase, stage: z.literal('unmask'), message: unmaskRequest }),
]);
const replyBase = { kind: z.literal('secagg'), siteId: text, round: nonNeg };
export const wireSecAggReplySchema = z.discriminatedUnion('stage', [
  z.strictObject({ ...replyBase, stage: z.literal('share'), message: shareKeys }),
  z.strictObject({ ...replyBase, stage: z.literal('mask'), message: maskedInput }),
  z.strictObject({ ...replyBase, stage: z.literal('unmask'), message: unmaskResponse }),
]);
/** A fit reply's SecAgg+ public keys. */
export const wireSecAggKeysSchema = z.strictObject({ cPublicKey: key, sPublicKey: key });

export type WireSecAggRequest = z.output<typeof wireSecAggRequestSchema>;
export type WireSecAggReply = z.output<typeof wireSecAggReplySchema>;

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function secAggRequestToWire(r: SecAggRequest): WireSecAggRequest {
  const base = { kind: 'secagg' as const, jobId: r.jobId, round: r.round };
  switch (r.stage) {
    case 'share': {
      const m = r.message;
      return {
        ...base,
        stage: 'share',
        message: {
          round: m.round,
          clientId: m.clientId,
          graphSeed: toHex(m.graphSeed),
          participants: [...m.participants],
          neighbours: m.neighbours.map((n) => ({ id: n.id, cPublicKey: toHex(n.cPublicKey), sPublicKey: toHex(n.sPublicKey) })),
        },
      };
    }
    case 'mask':
      return { ...base, stage: 'mask', message: { round: r.message.round, clientId: r.message.clientId, shares: r.message.shares.map((s) => ({ from: s.from, ciphertext: toHex(s.ciphertext) })) } };
    case 'unmask':
      return { ...base, stage: 'unmask', message: { round: r.message.round, clientId: r.message.clientId, dropped: [...r.message.dropped], survived: [...r.message.survived] } };
  }
}

export function secAggRequestFromWire(w: WireSecAggRequest): SecAggRequest {
  const base = { kind: 'secagg' as const, jobId: w.jobId, round: w.round };
  switch (w.stage) {
    case 'share': {
      const m = w.message;
      return {
        ...base,
        stage: 'share',
        message: {
          round: m.round,
          clientId: m.clientId,
          graphSeed: fromHex(m.graphSeed),
          participants: m.participants,
          neighbours: m.neighbours.map((n) => ({ id: n.id, cPublicKey: fromHex(n.cPublicKey), sPublicKey: fromHex(n.sPublicKey) })),
        },
      };
    }
    case 'mask':
      return { ...base, stage: 'mask', message: { round: w.message.round, clientId: w.message.clientId, shares: w.message.shares.map((s) => ({ from: s.from, ciphertext: fromHex(s.ciphertext) })) } };
    case 'unmask':
      return { ...base, stage: 'unmask', message: w.message };
  }
}

/** Reply → header body; the masked vector goes to the blob list (`addBlob` returns its index). */
export function secAggReplyToWire(r: SecAggReply, addBlob: (b: Uint8Array) => number): WireSecAggReply {
  const base = { kind: 'secagg' as const, siteId: r.siteId, round: r.round };
  switch (r.stage) {
    case 'share':
      return { ...base, stage: 'share', message: { round: r.message.round, clientId: r.message.clientId, shares: r.message.shares.map((s) => ({ to: s.to, ciphertext: toHex(s.ciphertext) })) } };
    case 'mask':
      return { ...base, stage: 'mask', message: { round: r.message.round, clientId: r.message.clientId, masked: addBlob(r.message.masked) } };
    case 'unmask': {
      const pairs = (xs: readonly { of: string; share: Uint8Array }[]) => xs.map((x) => ({ of: x.of, share: toHex(x.share) }));
      return { ...base, stage: 'unmask', message: { round: r.message.round, clientId: r.message.clientId, sKeyShares: pairs(r.message.sKeyShares), selfMaskShares: pairs(r.message.selfMaskShares) } };
    }
  }
}

export function secAggReplyFromWire(w: WireSecAggReply, blobs: readonly Uint8Array[]): SecAggReply {
  const base = { kind: 'secagg' as const, siteId: w.siteId, round: w.round };
  switch (w.stage) {
    case 'share':
      return { ...base, stage: 'share', message: { round: w.message.round, clientId: w.message.clientId, shares: w.message.shares.map((s) => ({ to: s.to, ciphertext: fromHex(s.ciphertext) })) } };
    case 'mask': {
      const masked = blobs[w.message.masked];
      if (!masked) {
        throw new MedfedError(ErrorCodes.FORMAT_INVALID, `secure-aggregation reply refers to blob ${w.message.masked}, the message has ${blobs.length}`, { where: 'medfed Connect stream' });
      }
      return { ...base, stage: 'mask', message: { round: w.message.round, clientId: w.message.clientId, masked } };
    }
    case 'unmask': {
      const pairs = (xs: readonly { of: string; share: string }[]) => xs.map((x) => ({ of: x.of, share: fromHex(x.share) }));
      return { ...base, stage: 'unmask', message: { round: w.message.round, clientId: w.message.clientId, sKeyShares: pairs(w.message.sKeyShares), selfMaskShares: pairs(w.message.selfMaskShares) } };
    }
  }
}
