import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MedfedError } from '../../src/core/errors.js';
import { verifyPeerCertificate, type PeerVerification } from '../../src/pki/identity.js';
import { signingAlgorithm, generateKeyPair } from '../../src/pki/keys.js';
import { addSite, listIssued, revokeIdentity } from '../../src/pki/manage-project.js';
import { issueKit, openProject, saveProject } from '../../src/pki/project.js';
import { readState } from '../../src/pki/state.js';
import { ExtendedKeyUsage, ExtendedKeyUsageExtension, X509CertificateGenerator } from '../../src/pki/x509.js';
import { exampleYaml, hasOpenssl, openssl, provisionTemp, readKit } from './fixture.js';

const dir = await provisionTemp();
const caCert = readFileSync(join(dir, 'ca/ca.pem'), 'utf8');
const crlNow = () => readFileSync(join(dir, 'ca/crl.pem'), 'utf8');
const site = (name: string) => readKit(dir, `sites/${name}`, 'cert.pem');

function refused(v: PeerVerification): string {
  assert.equal(v.ok, false, 'expected a refusal');
  return v.ok ? '' : v.reason;
}

test('kit certificates verify and yield name, role and site', async () => {
  const v = await verifyPeerCertificate(site('cleveland'), { caCert, crl: crlNow() });
  assert.deepEqual(v, { ok: true, identity: { name: 'cleveland', role: 'site', site: 'cleveland', serial: '03' } });
  const admin = await verifyPeerCertificate(readKit(dir, 'users/it-admin@cleveland.example.org', 'cert.pem'), { caCert, crl: crlNow() });
  assert.deepEqual(admin.ok && admin.identity, { name: 'it-admin@cleveland.example.org', role: 'site-admin', site: 'cleveland', serial: '08' });
  const researcher = await verifyPeerCertificate(readKit(dir, 'users/analyst@heart-study.example.org', 'cert.pem'), { caCert });
  assert.deepEqual(researcher.ok && researcher.identity, { name: 'analyst@heart-study.example.org', role: 'researcher', serial: '09' });
  // DER bytes as tls getPeerCertificate().raw gives them, and the coordinator checked as a server
  const der = Buffer.from(readKit(dir, 'coordinator', 'cert.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const coord = await verifyPeerCertificate(der, { caCert, crl: crlNow(), usage: 'server' });
  assert.deepEqual(coord.ok && coord.identity, { name: 'coordinator', role: 'coordinator', serial: '02' });
});

test('a certificate from another CA is unknown-ca, even when that CA has the same name', async () => {
  const sameName = await provisionTemp();
  assert.equal(refused(await verifyPeerCertificate(readKit(sameName, 'sites/cleveland', 'cert.pem'), { caCert, crl: crlNow() })), 'unknown-ca');
  const otherName = await provisionTemp(exampleYaml.replace('project: heart-study', 'project: other-study'));
  const v = await verifyPeerCertificate(readKit(otherName, 'sites/cleveland', 'cert.pem'), { caCert });
  assert.equal(refused(v), 'unknown-ca');
  assert.match(!v.ok ? v.detail : '', /other-study Root CA/);
});

test('expired and not-yet-valid certificates are refused with that reason', async () => {
  const p = await openProject(dir);
  const now = new Date();
  const past = await issueKit(p, { kind: 'site', name: 'old-site' }, now, { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
  const future = await issueKit(p, { kind: 'site', name: 'future-site' }, now, { notBefore: new Date(now.getTime() + 86_400_000), notAfter: new Date(now.getTime() + 2 * 86_400_000) });
  saveProject(p);
  const vPast = await verifyPeerCertificate(site('old-site'), { caCert, crl: crlNow() });
  assert.equal(refused(vPast), 'expired');
  assert.equal(!vPast.ok && vPast.serial, past.serial);
  assert.equal(refused(await verifyPeerCertificate(site('future-site'), { caCert, crl: crlNow() })), 'not-yet-valid');
  // inside the leaf's own window, but before the CA existed: the chain is checked, not just the leaf
  const vCa = await verifyPeerCertificate(site('old-site'), { caCert, now: new Date('2020-06-01T00:00:00Z') });
  assert.equal(refused(vCa), 'not-yet-valid');
  assert.match(!vCa.ok ? vCa.detail : '', /the project CA is valid only from/);
  assert.equal((await verifyPeerCertificate(site('future-site'), { caCert, now: new Date(now.getTime() + 1.5 * 86_400_000) })).ok, true);
  assert.equal(future.status, 'valid');
  const statuses = Object.fromEntries(listIssued(dir, now).map((r) => [r.name, r.effectiveStatus]));
  assert.equal(statuses['old-site'], 'expired');
  assert.equal(statuses['future-site'], 'not-yet-valid');
});

test('a certificate whose signed bytes were altered is bad-signature; garbage is malformed', async () => {
  const der = Buffer.from(site('hungary').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const at = der.indexOf(Buffer.from('hungary'));
  assert.ok(at > 0);
  der[at + 6] = 'x'.charCodeAt(0);
  assert.equal(refused(await verifyPeerCertificate(der, { caCert })), 'bad-signature');
  assert.equal(refused(await verifyPeerCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3]), { caCert })), 'malformed');
});

test('a CA-signed certificate without a medfed role is no-role; a client certificate used as server is wrong-usage', async () => {
  const p = await openProject(dir);
  const keys = await generateKeyPair();
  const bare = await X509CertificateGenerator.create({
    serialNumber: '7f01',
    subject: 'CN=bare',
    issuer: p.ca.cert.subjectName,
    publicKey: keys.publicKey,
    signingKey: p.ca.privateKey,
    signingAlgorithm,
    extensions: [new ExtendedKeyUsageExtension([ExtendedKeyUsage.clientAuth])],
  });
  assert.equal(refused(await verifyPeerCertificate(bare, { caCert })), 'no-role');
  assert.equal(refused(await verifyPeerCertificate(site('cleveland'), { caCert, usage: 'server' })), 'wrong-usage');
  assert.equal(refused(await verifyPeerCertificate(caCert, { caCert })), 'wrong-usage');
});

test('revoke lists the serial in a CA-signed CRL and the certificate is then refused as revoked', async () => {
  const before = readState(dir);
  const hungarySerial = before.issued.find((r) => r.name === 'hungary')!.serial;
  assert.equal((await verifyPeerCertificate(site('hungary'), { caCert, crl: crlNow() })).ok, true);
  const revoked = await revokeIdentity(dir, 'hungary', 'key-compromise', { note: 'laptop stolen' });
  assert.deepEqual(revoked.map((r) => r.serial), [hungarySerial]);
  const v = await verifyPeerCertificate(site('hungary'), { caCert, crl: crlNow() });
  assert.equal(refused(v), 'revoked');
  assert.equal((await verifyPeerCertificate(site('cleveland'), { caCert, crl: crlNow() })).ok, true, 'others stay valid');
  assert.equal(readKit(dir, 'coordinator', 'crl.pem'), crlNow(), 'the coordinator kit gets the new CRL');
  const after = readState(dir);
  assert.equal(after.nextCrlNumber, before.nextCrlNumber + 1);
  assert.deepEqual(
    (({ status, reason, note }) => ({ status, reason, note }))(after.issued.find((r) => r.name === 'hungary')!),
    { status: 'revoked', reason: 'key-compromise', note: 'laptop stolen' },
  );
  if (hasOpenssl) {
    const text = openssl(['crl', '-noout', '-text'], crlNow());
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Serial Number: ${hungarySerial.toUpperCase()}\\s+Revocation Date: .*\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`));
    assert.match(text.stdout, new RegExp(`CRL Number:\\s+${before.nextCrlNumber}\\b`));
    const check = openssl(['verify', '-CAfile', join(dir, 'ca/ca.pem'), '-crl_check', '-CRLfile', join(dir, 'ca/crl.pem'), join(dir, 'sites/hungary/cert.pem')]);
    assert.notEqual(check.status, 0);
    assert.match(check.stdout + check.stderr, /certificate revoked/);
  }
  await assert.rejects(revokeIdentity(dir, 'hungary', 'superseded'), /no valid certificate is issued to "hungary"/);
});

test('add-site issues a new serial from the same CA; a name holding a valid certificate is refused', async () => {
  const record = await addSite(dir, 'hungary', { org: 'Hungarian Institute of Cardiology' });
  const serials = readState(dir).issued.map((r) => r.serial);
  assert.equal(new Set(serials).size, serials.length, 'serials are never reused');
  const v = await verifyPeerCertificate(site('hungary'), { caCert, crl: crlNow() });
  assert.deepEqual(v.ok && v.identity, { name: 'hungary', role: 'site', site: 'hungary', serial: record.serial });
  await assert.rejects(addSite(dir, 'cleveland'), (e: unknown) => e instanceof MedfedError && /already holds a valid site certificate/.test(e.message));
  await assert.rejects(addSite(dir, 'coordinator'), /already holds a valid coordinator certificate/);
  await assert.rejects(addSite(dir, 'bad/name'), /not a valid site name/);
});

test('a CRL signed by another CA is an operator error, not a silent pass', async () => {
  const other = await provisionTemp();
  await assert.rejects(
    verifyPeerCertificate(site('cleveland'), { caCert, crl: readFileSync(join(other, 'ca/crl.pem'), 'utf8') }),
    (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_CONFIG_INVALID' && /not signed by the project CA/.test(e.message),
  );
});
