import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { verifyPeerCertificate, type PeerVerification } from '../../src/pki/identity.js';
import { revokeIdentity } from '../../src/pki/manage-project.js';
import { readStartupKit, type StartupKit } from '../../src/pki/startup-kit.js';
import { provisionTemp } from './fixture.js';

// Real TLS 1.3 handshakes on loopback with the provisioned kits, the way the transport will use them.
const dir = await provisionTemp();
const other = await provisionTemp(); // a second project: its own CA with the same name
const kit = (d: string, k: string): StartupKit => readStartupKit(`${d}/${k}`);

interface Outcome {
  serverSawClient?: PeerVerification;
  /** With rejectUnauthorized false: OpenSSL's verdict on the client certificate. */
  tlsAuthorizationError?: string;
  serverError?: string;
  clientError?: string;
  reply?: string;
}

interface HandshakeOptions {
  /** Give the server the kit's CRL (default true). */
  crl?: boolean;
  /** false: TLS reports its verdict in socket.authorizationError instead of dropping the client. */
  rejectUnauthorized?: boolean;
  /** The CA the client trusts for the server (default: the one in its own kit). */
  clientTrusts?: string;
}

/** The coordinator kit serves with requestCert; `client` connects to 127.0.0.1 with its kit. */
async function handshake(server: StartupKit, client: StartupKit, opts: HandshakeOptions = {}): Promise<Outcome> {
  const { crl: withCrl = true, rejectUnauthorized = true, clientTrusts = client.caPem } = opts;
  const out: Outcome = {};
  const srv = createServer({
    cert: server.certPem,
    key: server.keyPem,
    ca: server.caPem,
    crl: withCrl ? server.crlPem : undefined,
    requestCert: true,
    rejectUnauthorized,
  });
  const serverDone = new Promise<void>((resolve) => {
    srv.on('secureConnection', (s: TLSSocket) => {
      if (!s.authorized) out.tlsAuthorizationError = String(s.authorizationError);
      const raw = s.getPeerCertificate().raw;
      void verifyPeerCertificate(raw, { caCert: server.caPem, crl: server.crlPem }).then((v) => {
        out.serverSawClient = v;
        s.end(v.ok ? `hello ${v.identity.name}` : 'refused');
        resolve();
      });
    });
    srv.on('tlsClientError', (e) => {
      out.serverError = e.message;
      resolve();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  const clientDone = new Promise<void>((resolve) => {
    const c = connect({ host: '127.0.0.1', port, cert: client.certPem, key: client.keyPem, ca: clientTrusts });
    let data = '';
    c.on('data', (d: Buffer) => (data += d.toString()));
    c.on('error', (e) => {
      out.clientError = e.message;
      resolve();
    });
    c.on('close', () => {
      if (data) out.reply = data;
      resolve();
    });
  });
  await Promise.all([clientDone, serverDone]);
  await new Promise<void>((r) => srv.close(() => r()));
  return out;
}

test('a site kit and the coordinator kit complete a mutual-TLS handshake, and the server learns the site identity', async () => {
  const o = await handshake(kit(dir, 'coordinator'), kit(dir, 'sites/cleveland'));
  assert.equal(o.serverError, undefined);
  assert.equal(o.clientError, undefined);
  assert.deepEqual(o.serverSawClient, { ok: true, identity: { name: 'cleveland', role: 'site', site: 'cleveland', serial: '03' } });
  assert.equal(o.reply, 'hello cleveland');
});

test('a client whose certificate comes from another CA is refused by the TLS layer', async () => {
  const coordinator = kit(dir, 'coordinator');
  const o = await handshake(coordinator, kit(other, 'sites/cleveland'), { clientTrusts: coordinator.caPem });
  assert.equal(o.serverSawClient, undefined, 'no secure connection was established');
  assert.equal(o.reply, undefined);
  assert.ok(o.serverError, 'the server reports a client error');
  // the transport can let TLS report instead of drop, and record both verdicts in the audit trail
  const seen = await handshake(coordinator, kit(other, 'sites/cleveland'), { clientTrusts: coordinator.caPem, rejectUnauthorized: false });
  assert.equal(seen.tlsAuthorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'); // same CA name, other key
  assert.equal(seen.serverSawClient?.ok === false && seen.serverSawClient.reason, 'unknown-ca');
  assert.equal(seen.reply, 'refused');
});

test('a site refuses a coordinator whose certificate comes from another CA', async () => {
  const o = await handshake(kit(other, 'coordinator'), kit(dir, 'sites/cleveland'));
  assert.equal(o.serverSawClient, undefined);
  assert.match(o.clientError ?? '', /self[- ]signed|unable to (get|verify)|certificate/i);
});

test('after revoke, the CRL in the coordinator kit makes TLS itself refuse the revoked site', async () => {
  const d = await provisionTemp();
  assert.equal((await handshake(kit(d, 'coordinator'), kit(d, 'sites/hungary'))).reply, 'hello hungary');
  await revokeIdentity(d, 'hungary', 'key-compromise');
  const o = await handshake(kit(d, 'coordinator'), kit(d, 'sites/hungary'));
  assert.equal(o.serverSawClient, undefined);
  assert.equal(o.reply, undefined);
  assert.ok(o.serverError, 'the server reports a client error');
  assert.equal((await handshake(kit(d, 'coordinator'), kit(d, 'sites/hungary'), { rejectUnauthorized: false })).tlsAuthorizationError, 'CERT_REVOKED');
  // without the CRL, TLS lets it in and the application check refuses it (reason for the audit trail)
  const noCrl = await handshake(kit(d, 'coordinator'), kit(d, 'sites/hungary'), { crl: false });
  assert.equal(noCrl.serverSawClient?.ok, false);
  assert.equal(noCrl.serverSawClient?.ok === false && noCrl.serverSawClient.reason, 'revoked');
  assert.equal(noCrl.reply, 'refused');
  assert.equal((await handshake(kit(d, 'coordinator'), kit(d, 'sites/cleveland'))).reply, 'hello cleveland');
});
