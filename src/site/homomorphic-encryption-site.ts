import { unpackWeights } from '../core/codec.js';
import { asMedfedError, ErrorCodes, MedfedError } from '../core/errors.js';
import type { FitReplyMessage, FitRequest, HeReply, HeRequest, SiteReply, SiteRequest } from '../core/messages.js';
import { encryptUpdate } from '../privacy/he/encrypt.js';
import { heRoundLayout, publicKeyDigest, sharedCkksContext, weightsDelta } from '../privacy/he/federated.js';
import { combinePublicKey, HeKeyHolder } from '../privacy/he/keys.js';
import type { HeLayout } from '../privacy/he/layout.js';
import type { CkksContext, SealPublicKey } from '../privacy/he/seal-context.js';
import { bytesEqual } from '../privacy/secagg/bytes.js';

type Handle = (req: SiteRequest) => Promise<SiteReply>;

/** One job's CKKS state at a site: its secret share (inside the holder), and the collective key once combined. */
interface HeSession {
  readonly ctx: CkksContext;
  readonly seed: Uint8Array;
  readonly holder: HeKeyHolder;
  publicKey?: SealPublicKey;
  /** The layout of the last round this site encrypted for (its own check of the aggregate it is asked to decrypt). */
  lastRound?: { readonly round: number; readonly layout: HeLayout };
}

/**
 * CKKS aggregation at a site (docs/homomorphic-encryption.md), around whatever answers the site's
 * requests, like withSecureAggregation. Every site is a key holder of the job's n-of-n key:
 * - "he" key-share: the site draws its own secret share (it never leaves the HeKeyHolder) for the
 *   coordinator's public seed and returns its public share;
 * - "he" public-key: the site combines all holders' shares into the collective public key itself
 *   (checking that its own share is among them), so the coordinator cannot substitute a key;
 * - a fit request with `homomorphicEncryption` is trained and released as usual; then the reply
 *   carries (n / exampleTotal) · (released − global), clipped and encrypted, instead of the weights;
 * - "he" decrypt: the site returns its partial decryption (with smudging noise) of the round's
 *   aggregate, once per round (HeKeyHolder refuses a second request for the same round).
 */
export function withHomomorphicEncryption(siteId: string, handle: Handle): Handle {
  const sessions = new Map<string, HeSession>();
  const fail = (e: unknown): SiteReply => ({ kind: 'error', siteId, error: asMedfedError(e).toJSON() });
  const end = (jobId: string) => {
    sessions.get(jobId)?.publicKey?.delete();
    sessions.delete(jobId);
  };
  const sessionOf = (jobId: string, what: string): HeSession => {
    const s = sessions.get(jobId);
    if (!s) {
      throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${siteId} has no CKKS key for job "${jobId}" (${what})`, {
        hint: 'the job must start with the CKKS key setup ("he" key-share, then public-key)',
      });
    }
    return s;
  };

  const fit = async (req: FitRequest & { homomorphicEncryption: NonNullable<FitRequest['homomorphicEncryption']> }): Promise<SiteReply> => {
    const reply = await handle(req);
    if (reply.kind !== 'fit') return reply;
    try {
      const session = sessionOf(req.jobId, `fit, round ${req.round}`);
      if (!session.publicKey) throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${siteId} has not combined the collective public key of job "${req.jobId}"`, { hint: 'send the "he" public-key stage before the first round' });
      const { exampleTotal } = req.homomorphicEncryption;
      if (!(reply.numExamples > 0 && reply.numExamples <= exampleTotal)) {
        throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `site ${siteId} trained on ${reply.numExamples} examples, not in (0, exampleTotal = ${exampleTotal}]`, {
          where: `job "${req.jobId}" round ${req.round}`,
          hint: 'the coordinator sets exampleTotal to the training examples of all the sites of the job',
        });
      }
      const global = unpackWeights(req.weights, `global model (round ${req.round})`);
      const local = unpackWeights(reply.weights, `site ${siteId} update (round ${req.round})`);
      const layout = heRoundLayout(global);
      const { bytes, clipped } = encryptUpdate(session.ctx, session.publicKey, layout, weightsDelta(local, global), reply.numExamples / exampleTotal, req.round);
      session.lastRound = { round: req.round, layout };
      const encrypted: FitReplyMessage = {
        ...reply,
        weights: new Uint8Array(0),
        extra: {},
        metrics: { ...reply.metrics, heClippedFraction: clipped / layout.total },
        heContribution: bytes,
      };
      return encrypted;
    } catch (e) {
      return fail(e);
    }
  };

  const stage = async (req: HeRequest): Promise<SiteReply> => {
    try {
      let out: HeReply;
      switch (req.stage) {
        case 'key-share': {
          end(req.jobId); // a new key setup replaces the old one
          const ctx = await sharedCkksContext(req.params);
          const seed = Uint8Array.from(req.seed);
          const holder = HeKeyHolder.create(ctx, siteId, seed);
          sessions.set(req.jobId, { ctx, seed, holder });
          out = { kind: 'he', siteId, stage: 'key-share', share: holder.publicShare };
          break;
        }
        case 'public-key': {
          const session = sessionOf(req.jobId, 'public key');
          const own = req.shares.filter((s) => s.from === siteId);
          if (own.length !== 1 || !bytesEqual(own[0].bytes, session.holder.publicShare)) {
            throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `the public key shares for job "${req.jobId}" do not include site ${siteId}'s own share exactly once`, {
              hint: 'the coordinator must forward every key holder\'s share unchanged; a key without this site\'s share could be read without it',
            });
          }
          if (new Set(req.shares.map((s) => s.from)).size !== req.shares.length) {
            throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `the public key shares for job "${req.jobId}" name a key holder twice`, { hint: 'one share per key holder' });
          }
          session.publicKey?.delete();
          session.publicKey = combinePublicKey(session.ctx, session.seed, req.shares);
          out = { kind: 'he', siteId, stage: 'public-key', publicKeySha256: publicKeyDigest(session.ctx, session.publicKey) };
          break;
        }
        case 'decrypt': {
          const session = sessionOf(req.jobId, `decrypt, round ${req.round}`);
          // A site that encrypted for this round checks that the aggregate has that round's layout.
          const mine = session.lastRound?.round === req.round ? session.lastRound.layout : undefined;
          if (mine && !bytesEqual(mine.fingerprint, req.layoutFingerprint)) {
            throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `the aggregate of round ${req.round} does not have the layout site ${siteId} encrypted with`, { hint: 'every site encrypts the delta of the same global model' });
          }
          const partial = session.holder.partialDecrypt(req.aggregate, { round: req.round, count: req.count, layoutFingerprint: req.layoutFingerprint });
          out = { kind: 'he', siteId, stage: 'decrypt', round: req.round, partial };
          break;
        }
      }
      return out;
    } catch (e) {
      return fail(e);
    }
  };

  return async (req) => {
    if (req.kind === 'fit' && req.homomorphicEncryption) return fit(req as Parameters<typeof fit>[0]);
    if (req.kind === 'he') return stage(req);
    if (req.kind === 'end-job') end(req.jobId);
    return handle(req);
  };
}
