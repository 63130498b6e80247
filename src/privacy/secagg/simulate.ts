import { SecAggClient } from './client.js';
import type { SecAggConfig } from './config.js';
import { SecAggServer, type SecAggResult } from './server.js';

/**
 * Which clients go silent, by the first stage whose message they do not send:
 * advertise (never shows up), share (after advertising keys), mask (after sharing keys, before the
 * masked input), unmask (after the masked input, before answering the unmask request).
 */
export interface DropoutPlan {
  advertise?: readonly string[];
  share?: readonly string[];
  mask?: readonly string[];
  unmask?: readonly string[];
}

/**
 * Run one SecAgg+ round in memory: every message goes through the same schema-checked methods a
 * transport would call. `inputs` maps client id to its vector. Used by the simulator and tests.
 */
export async function runSecAggRound(config: SecAggConfig, inputs: ReadonlyMap<string, ArrayLike<number>>, drop: DropoutPlan = {}): Promise<SecAggResult> {
  const gone = new Set<string>();
  const live = (stage: keyof DropoutPlan) => {
    for (const id of drop[stage] ?? []) gone.add(id);
    return clients.filter((c) => !gone.has(c.id));
  };
  const clients = [...inputs.keys()].map((id) => new SecAggClient(id, config));
  const byId = new Map(clients.map((c) => [c.id, c]));
  const server = new SecAggServer(config);

  for (const c of live('advertise')) server.receiveAdvertiseKeys(c.advertiseKeys());
  const neighbourMsgs = server.neighbourKeys();
  const sharing = new Set(live('share').map((c) => c.id));
  for (const m of neighbourMsgs) if (sharing.has(m.clientId)) server.receiveShareKeys(await byId.get(m.clientId)!.shareKeys(m));
  const forwarded = server.forwardShares();
  const masking = new Set(live('mask').map((c) => c.id));
  for (const m of forwarded) if (masking.has(m.clientId)) server.receiveMaskedInput(byId.get(m.clientId)!.maskedInput(m, inputs.get(m.clientId)!));
  const requests = server.unmaskRequests();
  const unmasking = new Set(live('unmask').map((c) => c.id));
  for (const r of requests) if (unmasking.has(r.clientId)) server.receiveUnmaskResponse(byId.get(r.clientId)!.unmask(r));
  return server.result();
}
