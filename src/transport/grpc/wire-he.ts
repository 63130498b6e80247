import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { HeReply, HeRequest } from '../../core/messages.js';
import { ckksParamsSchema, type CkksParams } from '../../privacy/he/params.js';
import { concatBytes } from '../../privacy/secagg/bytes.js';
import { fromHex, toHex } from './wire-secagg.js';

/**
 * CKKS messages on the wire (docs/homomorphic-encryption.md): the seed (32 bytes) and the layout
 * fingerprint (16 bytes) as lowercase hex in the JSON header, every ciphertext, key share and
 * partial decryption (privacy/he wire format, checked byte for byte by its reader) as a blob. Each
 * stage is converted field by field; the CKKS parameters are schema-checked here and again by the
 * site (makeCkksParams).
 */
const hex = (bytes: number) => z.string().length(2 * bytes).regex(/^(?:[0-9a-f]{2})*$/, 'lowercase hex bytes');
const text = z.string().min(1).max(512);
const blob = z.number().int().nonnegative();
const round = z.number().int().min(0).max(2 ** 32 - 1);
/** At most this many key holders' shares in one message. */
const MAX_KEY_HOLDERS = 10_000;

const requestBase = { kind: z.literal('he'), jobId: text };
export const wireHeRequestSchema = z.discriminatedUnion('stage', [
  z.strictObject({ ...requestBase, stage: z.literal('key-share'), params: ckksParamsSchema, seed: hex(32) }),
  // All shares in one blob (a message has at most maxBlobs blobs), each with its length in order.
  z.strictObject({ ...requestBase, stage: z.literal('public-key'), shares: z.array(z.strictObject({ from: text, length: z.number().int().positive() })).max(MAX_KEY_HOLDERS), sharesBlob: blob }),
  z.strictObject({ ...requestBase, stage: z.literal('decrypt'), round, count: z.number().int().positive(), layoutFingerprint: hex(16), aggregate: blob }),
]);
const replyBase = { kind: z.literal('he'), siteId: text };
export const wireHeReplySchema = z.discriminatedUnion('stage', [
  z.strictObject({ ...replyBase, stage: z.literal('key-share'), share: blob }),
  z.strictObject({ ...replyBase, stage: z.literal('public-key'), publicKeySha256: hex(32) }),
  z.strictObject({ ...replyBase, stage: z.literal('decrypt'), round, partial: blob }),
]);

export type WireHeRequest = z.output<typeof wireHeRequestSchema>;
export type WireHeReply = z.output<typeof wireHeReplySchema>;

function take(blobs: readonly Uint8Array[], i: number, what: string): Uint8Array {
  const b = blobs[i];
  if (!b) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `CKKS ${what} refers to blob ${i}, the message has ${blobs.length}`, { where: 'medfed Connect stream' });
  return b;
}

/** Request → header body; byte fields go to the blob list (`addBlob` returns the index). */
export function heRequestToWire(r: HeRequest, addBlob: (b: Uint8Array) => number): WireHeRequest {
  const base = { kind: 'he' as const, jobId: r.jobId };
  switch (r.stage) {
    case 'key-share':
      return { ...base, stage: 'key-share', params: { ...r.params }, seed: toHex(r.seed) };
    case 'public-key':
      return { ...base, stage: 'public-key', shares: r.shares.map((s) => ({ from: s.from, length: s.bytes.length })), sharesBlob: addBlob(concatBytes(...r.shares.map((s) => s.bytes))) };
    case 'decrypt':
      return { ...base, stage: 'decrypt', round: r.round, count: r.count, layoutFingerprint: toHex(r.layoutFingerprint), aggregate: addBlob(r.aggregate) };
  }
}

export function heRequestFromWire(w: WireHeRequest, blobs: readonly Uint8Array[]): HeRequest {
  const base = { kind: 'he' as const, jobId: w.jobId };
  switch (w.stage) {
    case 'key-share':
      return { ...base, stage: 'key-share', params: w.params as CkksParams, seed: fromHex(w.seed) };
    case 'public-key': {
      const all = take(blobs, w.sharesBlob, 'public key shares');
      const total = w.shares.reduce((a, s) => a + s.length, 0);
      if (total !== all.length) {
        throw new MedfedError(ErrorCodes.FORMAT_INVALID, `CKKS public key shares announce ${total} bytes, the blob has ${all.length}`, { where: 'medfed Connect stream' });
      }
      let at = 0;
      const shares = w.shares.map((s) => ({ from: s.from, bytes: all.subarray(at, (at += s.length)) }));
      return { ...base, stage: 'public-key', shares };
    }
    case 'decrypt':
      return { ...base, stage: 'decrypt', round: w.round, count: w.count, layoutFingerprint: fromHex(w.layoutFingerprint), aggregate: take(blobs, w.aggregate, 'aggregate') };
  }
}

export function heReplyToWire(r: HeReply, addBlob: (b: Uint8Array) => number): WireHeReply {
  const base = { kind: 'he' as const, siteId: r.siteId };
  switch (r.stage) {
    case 'key-share':
      return { ...base, stage: 'key-share', share: addBlob(r.share) };
    case 'public-key':
      return { ...base, stage: 'public-key', publicKeySha256: r.publicKeySha256 };
    case 'decrypt':
      return { ...base, stage: 'decrypt', round: r.round, partial: addBlob(r.partial) };
  }
}

export function heReplyFromWire(w: WireHeReply, blobs: readonly Uint8Array[]): HeReply {
  const base = { kind: 'he' as const, siteId: w.siteId };
  switch (w.stage) {
    case 'key-share':
      return { ...base, stage: 'key-share', share: take(blobs, w.share, 'public key share') };
    case 'public-key':
      return { ...base, stage: 'public-key', publicKeySha256: w.publicKeySha256 };
    case 'decrypt':
      return { ...base, stage: 'decrypt', round: w.round, partial: take(blobs, w.partial, 'partial decryption') };
  }
}
