import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { MedfedError } from '../../src/core/errors.js';
import { roleOf } from '../../src/pki/identity.js';
import { parseProjectConfig } from '../../src/pki/project-config.js';
import { provisionProject } from '../../src/pki/provision-project.js';
import { readStartupKit } from '../../src/pki/startup-kit.js';
import { readState } from '../../src/pki/state.js';
import { exampleYaml, hasOpenssl, openssl, provisionTemp, readKit } from './fixture.js';

const serverAuth = '1.3.6.1.5.5.7.3.1';
const clientAuth = '1.3.6.1.5.5.7.3.2';
const dir = await provisionTemp();
const caPem = readFileSync(join(dir, 'ca/ca.pem'), 'utf8');
const ca = new X509Certificate(caPem);
const kits = ['coordinator', 'sites/cleveland', 'sites/hungary', 'sites/switzerland', 'sites/long-beach', 'users/lead@heart-study.example.org', 'users/it-admin@cleveland.example.org', 'users/analyst@heart-study.example.org'];

const mode = (p: string) => statSync(p).mode & 0o777;

test('the root CA is self-signed, a CA, and Node verifies every kit certificate with its key', () => {
  assert.equal(ca.ca, true);
  assert.equal(ca.verify(ca.publicKey), true);
  assert.equal(ca.subject, 'CN=heart-study Root CA\nO=medfed project heart-study');
  for (const kit of kits) {
    const cert = new X509Certificate(readKit(dir, kit, 'cert.pem'));
    assert.equal(cert.verify(ca.publicKey), true, `${kit} is signed by the CA`);
    assert.equal(cert.checkIssued(ca), true, kit);
    assert.equal(cert.ca, false, kit);
    assert.equal(readKit(dir, kit, 'ca.pem'), caPem, `${kit} carries the CA certificate`);
  }
});

test('the CA has keyCertSign/cRLSign and CA:true pathlen 0 (read by openssl)', { skip: !hasOpenssl && 'no openssl' }, () => {
  const text = openssl(['x509', '-noout', '-text'], caPem).stdout;
  assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
  assert.match(text, /ASN1 OID: prime256v1/);
  const chain = openssl(['verify', '-CAfile', join(dir, 'ca/ca.pem'), '-purpose', 'sslserver', join(dir, 'coordinator/cert.pem')]);
  assert.equal(chain.status, 0, chain.stderr);
});

test('the coordinator certificate has the host SANs and server+client EKU; sites and users client EKU only', () => {
  const coord = new X509Certificate(readKit(dir, 'coordinator', 'cert.pem'));
  assert.equal(coord.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, DNS:fl.heart-study.example.org, URI:medfed:role=coordinator');
  assert.deepEqual([...coord.keyUsage].sort(), [serverAuth, clientAuth]);
  assert.equal(coord.checkHost('fl.heart-study.example.org'), 'fl.heart-study.example.org');
  assert.equal(coord.checkIP('127.0.0.1'), '127.0.0.1');
  const site = new X509Certificate(readKit(dir, 'sites/hungary', 'cert.pem'));
  assert.equal(site.subject, 'CN=hungary\nO=Hungarian Institute of Cardiology');
  assert.equal(site.subjectAltName, 'URI:medfed:role=site;site=hungary');
  assert.deepEqual(site.keyUsage, [clientAuth]);
  const admin = new X509Certificate(readKit(dir, 'users/it-admin@cleveland.example.org', 'cert.pem'));
  assert.equal(admin.subjectAltName, 'email:it-admin@cleveland.example.org, URI:medfed:role=site-admin;site=cleveland');
  assert.deepEqual(admin.keyUsage, [clientAuth]);
});

test('roles decode from each certificate', () => {
  const expected: Record<string, unknown> = {
    coordinator: { role: 'coordinator' },
    'sites/cleveland': { role: 'site', site: 'cleveland' },
    'sites/long-beach': { role: 'site', site: 'long-beach' },
    'users/lead@heart-study.example.org': { role: 'project-admin' },
    'users/it-admin@cleveland.example.org': { role: 'site-admin', site: 'cleveland' },
    'users/analyst@heart-study.example.org': { role: 'researcher' },
  };
  for (const [kit, role] of Object.entries(expected)) assert.deepEqual(roleOf(readKit(dir, kit, 'cert.pem')), role, kit);
  assert.equal(roleOf(caPem), null);
});

test('private keys are PKCS#8 PEM, mode 0600, and match their certificate; folders are 0700', () => {
  assert.equal(mode(join(dir, 'ca/ca.key')), 0o600);
  assert.equal(mode(join(dir, 'ca')), 0o700);
  for (const kit of kits) {
    const keyPath = join(dir, kit, 'key.pem');
    assert.equal(mode(keyPath), 0o600, keyPath);
    assert.equal(mode(join(dir, kit)), 0o700, kit);
    const keyPem = readFileSync(keyPath, 'utf8');
    assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ format: 'der', type: 'spki' });
    const fromCert = new X509Certificate(readKit(dir, kit, 'cert.pem')).publicKey.export({ format: 'der', type: 'spki' });
    assert.deepEqual(fromKey, fromCert, kit);
  }
  const caKey = createPublicKey(createPrivateKey(readFileSync(join(dir, 'ca/ca.key'), 'utf8'))).export({ format: 'der', type: 'spki' });
  assert.deepEqual(caKey, ca.publicKey.export({ format: 'der', type: 'spki' }));
});

test('site kits carry the endpoint and a policy template; the state index lists every kit once', () => {
  const kit = readStartupKit(join(dir, 'sites/switzerland'));
  assert.deepEqual(kit.identity, { name: 'switzerland', role: 'site', site: 'switzerland' });
  assert.deepEqual(kit.manifest.coordinator, { name: 'coordinator', host: 'localhost', hosts: ['localhost', '127.0.0.1', 'fl.heart-study.example.org'], port: 8443 });
  const policy = parse(kit.policyYaml!);
  assert.deepEqual(policy, {
    site: 'switzerland',
    approval: { mode: 'manual', approvedJobHashes: [] },
    allowedStrategies: ['fedavg', 'fedprox', 'scaffold'],
    filters: [{ name: 'norm-clip', options: { maxNorm: 10 } }],
    minSitesPerAggregate: 3,
    minSamplesPerUpdate: 20,
    privacyBudget: { epsilon: 8, delta: 0.00001 },
  });
  assert.equal(readStartupKit(join(dir, 'coordinator')).policyYaml, undefined);
  assert.match(readStartupKit(join(dir, 'coordinator')).crlPem ?? '', /^-----BEGIN X509 CRL-----/);
  const state = readState(dir);
  assert.deepEqual(state.issued.map((r) => r.kitDir), kits);
  assert.deepEqual(state.issued.map((r) => r.serial), ['02', '03', '04', '05', '06', '07', '08', '09']);
  assert.equal(state.nextSerial, 10);
  for (const r of state.issued) assert.equal(new X509Certificate(readKit(dir, r.kitDir, 'cert.pem')).fingerprint256.replace(/:/g, '').toLowerCase(), r.sha256);
});

test('validity windows follow project.yaml', async () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const d = await provisionTemp(exampleYaml.replace('caDays: 3650', 'caDays: 100').replace('certDays: 365', 'certDays: 10'), now);
  const c = new X509Certificate(readKit(d, 'sites/cleveland', 'cert.pem'));
  assert.equal(new Date(c.validTo).toISOString(), '2030-01-11T00:00:00.000Z');
  assert.equal(new Date(c.validFrom).toISOString(), '2029-12-31T23:59:00.000Z');
  assert.equal(new Date(new X509Certificate(readFileSync(join(d, 'ca/ca.pem'))).validTo).toISOString(), '2030-04-11T00:00:00.000Z');
});

test('provisioning refuses a folder that is not empty, so a CA is never replaced', async () => {
  const out = mkdtempSync(join(tmpdir(), 'medfed-pki-'));
  writeFileSync(join(out, 'something'), 'x');
  await assert.rejects(provisionProject(parseProjectConfig(exampleYaml), out), (e: unknown) => e instanceof MedfedError && e.code === 'MEDFED_ERR_OUTPUT_FAILURE' && /not empty/.test(e.message));
});
