import { SecAggClient } from './client.js';
import { makeSecAggConfig } from './config.js';
import { SecAggServer, type SecAggResult } from './server.js';

export interface SecAggMeasurement {
  clients: number;
  dimension: number;
  droppedAtMask: number;
  /** Mean over clients of the time spent in all of one client's stages, ms. */
  clientMsMean: number;
  clientMsMax: number;
  /** Time spent in server calls for the whole round (graph, forwarding, reconstruction, unmasking), ms. */
  serverMs: number;
  /** Mean bytes one surviving client uploads (all byte fields and ids) / plain float32 bytes. */
  uploadRatio: number;
  result: SecAggResult;
}

/** Payload size of a message: byte fields at their length, strings at UTF-16 length, numbers as 8 bytes. */
function payloadBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return 8;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + payloadBytes(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + payloadBytes(v), 0);
  return 0;
}

/** Time one in-memory SecAgg+ round of `clients` x `dimension` with `dropAtMask` clients dropping before stage 2. */
export async function measureSecAgg(clients: number, dimension: number, dropAtMask = 0): Promise<SecAggMeasurement> {
  const config = makeSecAggConfig({ round: 1, dimension, maxClients: clients, clipRange: 1 });
  const ids = Array.from({ length: clients }, (_, i) => `site-${String(i).padStart(3, '0')}`);
  const inputs = new Map(ids.map((id) => [id, Float32Array.from({ length: dimension }, () => Math.random() * 2 - 1)]));
  const dropped = new Set(ids.slice(0, dropAtMask));
  const clientMs = new Map(ids.map((id) => [id, 0]));
  const upload = new Map(ids.map((id) => [id, 0]));
  let serverMs = 0;
  const onClient = async <T>(id: string, f: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await f();
    clientMs.set(id, clientMs.get(id)! + performance.now() - t0);
    upload.set(id, upload.get(id)! + payloadBytes(out));
    return out;
  };
  const onServer = async <T>(f: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await f();
    serverMs += performance.now() - t0;
    return out;
  };
  const byId = new Map(ids.map((id) => [id, new SecAggClient(id, config)]));
  const server = new SecAggServer(config);
  for (const [id, c] of byId) {
    const m = await onClient(id, () => c.advertiseKeys());
    await onServer(() => server.receiveAdvertiseKeys(m));
  }
  for (const m of await onServer(() => server.neighbourKeys())) {
    const reply = await onClient(m.clientId, () => byId.get(m.clientId)!.shareKeys(m));
    await onServer(() => server.receiveShareKeys(reply));
  }
  for (const m of await onServer(() => server.forwardShares())) {
    if (dropped.has(m.clientId)) continue;
    const reply = await onClient(m.clientId, () => byId.get(m.clientId)!.maskedInput(m, inputs.get(m.clientId)!));
    await onServer(() => server.receiveMaskedInput(reply));
  }
  for (const r of await onServer(() => server.unmaskRequests())) {
    const reply = await onClient(r.clientId, () => byId.get(r.clientId)!.unmask(r));
    await onServer(() => server.receiveUnmaskResponse(reply));
  }
  const result = await onServer(() => server.result());
  const surviving = ids.filter((id) => !dropped.has(id));
  const times = surviving.map((id) => clientMs.get(id)!);
  return {
    clients,
    dimension,
    droppedAtMask: dropAtMask,
    clientMsMean: times.reduce((a, b) => a + b, 0) / times.length,
    clientMsMax: Math.max(...times),
    serverMs,
    uploadRatio: surviving.reduce((n, id) => n + upload.get(id)!, 0) / surviving.length / (4 * dimension),
    result,
  };
}
