import { ErrorCodes, MedfedError, type SerializedError } from '../../core/errors.js';
import type { Blob, SiteReply, SiteRequest } from '../../core/messages.js';
import type { ModelSpec } from '../../core/model-spec.js';
import type { WireReply, WireRequest } from './wire-schemas.js';
import { heReplyFromWire, heReplyToWire, heRequestFromWire, heRequestToWire } from './wire-he.js';
import { fromHex, secAggReplyFromWire, secAggReplyToWire, secAggRequestFromWire, secAggRequestToWire, toHex } from './wire-secagg.js';

/**
 * Core messages ↔ (JSON body, blob list). Only the tensor fields of fit and evaluate messages
 * are blobs; each kind is converted field by field, never by walking an untrusted object.
 */
export interface Split<T> {
  readonly body: T;
  readonly blobs: Uint8Array[];
}

function blobList() {
  const blobs: Uint8Array[] = [];
  const add = (b: Blob) => blobs.push(b) - 1;
  const addMap = (m: Readonly<Record<string, Blob>>) => Object.fromEntries(Object.entries(m).map(([k, b]) => [k, add(b)]));
  return { blobs, add, addMap };
}

function takeBlob(blobs: readonly Uint8Array[], i: number, what: string): Uint8Array {
  const b = blobs[i];
  if (!b) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `${what} refers to blob ${i}, the message has ${blobs.length}`, { where: 'medfed Connect stream' });
  return b;
}

function takeMap(blobs: readonly Uint8Array[], m: Readonly<Record<string, number>>, what: string): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(m).map(([k, i]) => [k, takeBlob(blobs, i, `${what} "${k}"`)]));
}

export function splitRequest(r: SiteRequest): Split<WireRequest> {
  const l = blobList();
  switch (r.kind) {
    case 'fit':
      return { body: { ...r, weights: l.add(r.weights), directive: { config: r.directive.config, extra: l.addMap(r.directive.extra) } }, blobs: l.blobs };
    case 'evaluate':
      return { body: { ...r, weights: l.add(r.weights) }, blobs: l.blobs };
    case 'prepare':
      return { body: { ...r, model: r.model as WireRequest & ModelSpec }, blobs: [] } as Split<WireRequest>;
    case 'secagg':
      return { body: secAggRequestToWire(r), blobs: [] };
    case 'he':
      return { body: heRequestToWire(r, l.add), blobs: l.blobs };
    default:
      return { body: r as WireRequest, blobs: [] };
  }
}

export function joinRequest(body: WireRequest, blobs: readonly Uint8Array[]): SiteRequest {
  switch (body.kind) {
    case 'fit':
      return {
        ...body,
        weights: takeBlob(blobs, body.weights, 'fit weights'),
        directive: { config: body.directive.config, extra: takeMap(blobs, body.directive.extra, 'directive extra') },
      };
    case 'evaluate':
      return { ...body, weights: takeBlob(blobs, body.weights, 'evaluate weights') };
    case 'prepare':
      return { ...body, model: body.model as ModelSpec };
    case 'secagg':
      return secAggRequestFromWire(body);
    case 'he':
      return heRequestFromWire(body, blobs);
    default:
      return body;
  }
}

export function splitReply(r: SiteReply): Split<WireReply> {
  const l = blobList();
  if (r.kind === 'fit') {
    const { secAggKeys, heContribution, ...rest } = r;
    const keys = secAggKeys ? { secAggKeys: { cPublicKey: toHex(secAggKeys.cPublicKey), sPublicKey: toHex(secAggKeys.sPublicKey) } } : {};
    const body = { ...rest, weights: l.add(r.weights), extra: l.addMap(r.extra), ...keys };
    return { body: heContribution ? { ...body, heContribution: l.add(heContribution) } : body, blobs: l.blobs };
  }
  if (r.kind === 'secagg') return { body: secAggReplyToWire(r, l.add), blobs: l.blobs };
  if (r.kind === 'he') return { body: heReplyToWire(r, l.add), blobs: l.blobs };
  return { body: r as WireReply, blobs: [] };
}

export function joinReply(body: WireReply, blobs: readonly Uint8Array[]): SiteReply {
  switch (body.kind) {
    case 'fit': {
      const { secAggKeys, heContribution, ...rest } = body;
      const keys = secAggKeys ? { secAggKeys: { cPublicKey: fromHex(secAggKeys.cPublicKey), sPublicKey: fromHex(secAggKeys.sPublicKey) } } : {};
      const he = heContribution === undefined ? {} : { heContribution: takeBlob(blobs, heContribution, 'fit reply CKKS contribution') };
      return { ...rest, weights: takeBlob(blobs, body.weights, 'fit reply weights'), extra: takeMap(blobs, body.extra, 'fit reply extra'), ...keys, ...he };
    }
    case 'secagg':
      return secAggReplyFromWire(body, blobs);
    case 'he':
      return heReplyFromWire(body, blobs);
    case 'error':
      return { ...body, error: body.error as SerializedError };
    default:
      return body as SiteReply;
  }
}
