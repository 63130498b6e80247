import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import {
  SecAggClient,
  SecAggServer,
  makeSecAggConfig,
  type ForwardedShares,
  type NeighbourKeys,
} from '../../../src/privacy/secagg/index.js';
import { siteIds } from './helpers.js';

const config = makeSecAggConfig({ round: 3, dimension: 8, maxClients: 5, clipRange: 1 });

/** Five clients (complete graph, degree 4, t = 3) brought to the end of stage 1. */
async function throughStage1() {
  const ids = siteIds(5);
  const clients = new Map(ids.map((id) => [id, new SecAggClient(id, config)]));
  const server = new SecAggServer(config);
  for (const c of clients.values()) server.receiveAdvertiseKeys(c.advertiseKeys());
  const neighbourMsgs = server.neighbourKeys();
  for (const m of neighbourMsgs) server.receiveShareKeys(await clients.get(m.clientId)!.shareKeys(m));
  const forwarded = new Map(server.forwardShares().map((m) => [m.clientId, m]));
  return { ids, clients, server, forwarded, neighbourMsgs };
}

function isCode(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof MedfedError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}

const zeros = new Float32Array(8);

describe('SecAgg+ refusals and integrity checks', () => {
  it('a client asked for both share kinds of one neighbour refuses', async () => {
    const { clients, forwarded } = await throughStage1();
    const a = clients.get('site-00')!;
    a.maskedInput(forwarded.get('site-00')!, zeros);
    const request = { round: 3, clientId: 'site-00', dropped: ['site-01'], survived: ['site-01', 'site-02', 'site-03'] };
    assert.throws(() => a.unmask(request), isCode(ErrorCodes.SECAGG_PROTOCOL, /both the s-key and the self-mask shares of site-01; refusing/));
  });

  it('a client answers only one unmask request (no second request to collect the other kind)', async () => {
    const { clients, forwarded } = await throughStage1();
    const a = clients.get('site-00')!;
    a.maskedInput(forwarded.get('site-00')!, zeros);
    const first = a.unmask({ round: 3, clientId: 'site-00', dropped: [], survived: ['site-01', 'site-02', 'site-03', 'site-04'] });
    assert.equal(first.selfMaskShares.length, 4);
    assert.equal(first.sKeyShares.length, 0);
    assert.throws(
      () => a.unmask({ round: 3, clientId: 'site-00', dropped: ['site-01'], survived: [] }),
      isCode(ErrorCodes.SECAGG_PROTOCOL, /unmask stage while at the done stage/),
    );
  });

  it('rejects a tampered share ciphertext (AEAD tag)', async () => {
    const { clients, forwarded } = await throughStage1();
    const msg = forwarded.get('site-02')!;
    const ciphertext = msg.shares[0].ciphertext.slice();
    ciphertext[20] ^= 0x01;
    const tampered: ForwardedShares = { ...msg, shares: [{ ...msg.shares[0], ciphertext }, ...msg.shares.slice(1)] };
    assert.throws(() => clients.get('site-02')!.maskedInput(tampered, zeros), isCode(ErrorCodes.SECAGG_PROTOCOL, /authentication failed/));
  });

  it('rejects a ciphertext relabelled as coming from another sender (associated data binds sender and receiver)', async () => {
    const { clients, forwarded } = await throughStage1();
    const msg = forwarded.get('site-02')!;
    const [s0, s1, ...rest] = msg.shares;
    const swapped: ForwardedShares = { ...msg, shares: [{ from: s0.from, ciphertext: s1.ciphertext }, { from: s1.from, ciphertext: s0.ciphertext }, ...rest] };
    assert.throws(() => clients.get('site-02')!.maskedInput(swapped, zeros), isCode(ErrorCodes.SECAGG_PROTOCOL, /authentication failed/));
  });

  it('rejects a ciphertext forwarded to the wrong receiver', async () => {
    const { clients, forwarded } = await throughStage1();
    const forOne = forwarded.get('site-01')!.shares.find((s) => s.from === 'site-00')!;
    const msg = forwarded.get('site-02')!;
    const redirected: ForwardedShares = { ...msg, shares: msg.shares.map((s) => (s.from === 'site-00' ? forOne : s)) };
    assert.throws(() => clients.get('site-02')!.maskedInput(redirected, zeros), isCode(ErrorCodes.SECAGG_PROTOCOL, /site-00 to site-02: authentication failed/));
  });

  it('a client checks its neighbour list against the broadcast graph seed', async () => {
    const cfg = makeSecAggConfig({ round: 3, dimension: 8, maxClients: 12, neighbours: 4, clipRange: 1 });
    const ids = siteIds(12);
    const clients = ids.map((id) => new SecAggClient(id, cfg));
    const server = new SecAggServer(cfg);
    for (const c of clients) server.receiveAdvertiseKeys(c.advertiseKeys());
    const msgs = server.neighbourKeys();
    const m = msgs[0];
    const outsider = msgs.find((o) => o.clientId !== m.clientId && !m.neighbours.some((n) => n.id === o.clientId))!;
    const forged: NeighbourKeys = { ...m, neighbours: [...m.neighbours.slice(1), { id: outsider.clientId, cPublicKey: m.neighbours[0].cPublicKey, sPublicKey: m.neighbours[0].sPublicKey }] };
    await assert.rejects(clients[0].shareKeys(forged), isCode(ErrorCodes.SECAGG_PROTOCOL, /does not match the graph from the broadcast seed/));
  });

  it('schema-checks messages: unknown keys, wrong byte lengths and oversized lists are FORMAT_INVALID', async () => {
    const { server, clients } = await throughStage1();
    const c = new SecAggClient('late', config);
    assert.throws(() => server.receiveMaskedInput({ round: 3, clientId: 'site-00', masked: new Uint8Array(30) }), isCode(ErrorCodes.FORMAT_INVALID, /masked/));
    const extra = { round: 3, clientId: 'site-00', masked: new Uint8Array(32), note: 'x' };
    assert.throws(() => server.receiveMaskedInput(extra as never), isCode(ErrorCodes.FORMAT_INVALID, /note|Unrecognized/i));
    const notBytes = { round: 3, clientId: 'site-00', masked: Array.from({ length: 32 }, () => 0) };
    assert.throws(() => server.receiveMaskedInput(notBytes as never), isCode(ErrorCodes.FORMAT_INVALID, /Uint8Array/));
    const huge = { round: 3, clientId: 'site-00', dropped: siteIds(1).concat(Array.from({ length: 1001 }, (_, i) => `x${i}`)), survived: [] };
    assert.throws(() => clients.get('site-00')!.unmask(huge), isCode(ErrorCodes.FORMAT_INVALID, /dropped/));
    assert.throws(() => server.receiveAdvertiseKeys(c.advertiseKeys()), isCode(ErrorCodes.SECAGG_PROTOCOL, /at the mask stage/));
  });

  it('a message for another round is refused', async () => {
    const { clients, forwarded } = await throughStage1();
    const msg = { ...forwarded.get('site-00')!, round: 4 };
    assert.throws(() => clients.get('site-00')!.maskedInput(msg, zeros), isCode(ErrorCodes.SECAGG_PROTOCOL, /round 4, not site-00 round 3/));
  });
});
