import type { SiteReply, SiteRequest } from '../core/messages.js';
import type { SiteDataConfig } from '../node/site-data-config.js';

/** What a simulator worker thread hosts: some sites, each with its own data. */
export interface WorkerInit {
  readonly engine: string;
  readonly sites: readonly { readonly siteId: string; readonly data: SiteDataConfig }[];
}

export interface WorkerCall {
  readonly id: number;
  readonly siteId: string;
  readonly request: SiteRequest;
}

export interface WorkerAnswer {
  readonly id: number;
  readonly reply: SiteReply;
}

/** The ArrayBuffers inside a site's reply, handed over (not copied) through postMessage. */
export function transferablesOf(msg: SiteReply): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (b: Uint8Array) => {
    if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) out.add(b.buffer);
  };
  if (msg.kind === 'fit' && 'extra' in msg) {
    add(msg.weights);
    for (const b of Object.values(msg.extra)) add(b);
  }
  return [...out];
}
