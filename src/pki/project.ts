import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { issueLeaf, serialHex, validityFrom, type CertificateAuthority, type ValidityWindow } from './certificates.js';
import { buildCrl, crlToPem } from './crl.js';
import { writePublicFile } from './files.js';
import { exportPrivateKeyPem, importPrivateKeyPem } from './keys.js';
import { defaultSitePolicy, sitePolicyYaml } from './policy-template.js';
import type { UserRole } from './project-config.js';
import type { MedfedRole } from './roles.js';
import { kitFiles, kitFormat, writeStartupKit } from './startup-kit.js';
import { projectPaths, readState, writeState, type IssuedRecord, type ProvisionState } from './state.js';
import { X509Certificate } from './x509.js';

/** A provisioned project folder opened for issuing: its state and its CA (key included). */
export interface OpenProject {
  readonly dir: string;
  readonly state: ProvisionState;
  readonly ca: CertificateAuthority;
}

export async function openProject(dir: string): Promise<OpenProject> {
  const state = readState(dir);
  const paths = projectPaths(dir);
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(paths.caCert, 'utf8');
    keyPem = readFileSync(paths.caKey, 'utf8');
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot read the project CA: ${(e as Error).message}`, {
      where: paths.caDir,
      hint: 'issuing and revoking need ca/ca.pem and ca/ca.key; run them on the machine that holds the CA key',
      cause: e,
    });
  }
  return { dir, state, ca: { cert: new X509Certificate(certPem), privateKey: await importPrivateKeyPem(keyPem, paths.caKey) } };
}

export type KitSubject =
  | { readonly kind: 'coordinator' }
  | { readonly kind: 'site'; readonly name: string; readonly org?: string }
  | { readonly kind: 'user'; readonly email: string; readonly role: UserRole; readonly site?: string };

function describe(s: KitSubject, state: ProvisionState): { name: string; role: MedfedRole; kitDir: string; org: string } {
  if (s.kind === 'coordinator') return { name: state.coordinator.name, role: { role: 'coordinator' }, kitDir: 'coordinator', org: state.project };
  if (s.kind === 'site') return { name: s.name, role: { role: 'site', site: s.name }, kitDir: join('sites', s.name), org: s.org ?? state.project };
  const role: MedfedRole = s.role === 'site-admin' ? { role: s.role, site: s.site! } : { role: s.role };
  return { name: s.email, role, kitDir: join('users', s.email), org: state.project };
}

/**
 * Issue one certificate with a fresh key and write its kit folder. Mutates `p.state` (serial
 * counter, index); the caller saves it with writeState. `window` defaults to now + certDays.
 */
export async function issueKit(p: OpenProject, subject: KitSubject, now: Date, window?: ValidityWindow): Promise<IssuedRecord> {
  const { state } = p;
  const d = describe(subject, state);
  const serial = serialHex(state.nextSerial);
  const leaf = await issueLeaf(p.ca, {
    serial,
    commonName: d.name,
    organization: d.org,
    role: d.role,
    hosts: subject.kind === 'coordinator' ? state.coordinator.hosts : undefined,
    email: subject.kind === 'user' ? subject.email : undefined,
    server: subject.kind === 'coordinator',
    window: window ?? validityFrom(now, state.validity.certDays),
  });
  state.nextSerial += 1;
  const record: IssuedRecord = {
    serial: leaf.cert.serialNumber.toLowerCase(),
    kind: subject.kind,
    name: d.name,
    role: d.role.role,
    ...(d.role.site !== undefined ? { site: d.role.site } : {}),
    kitDir: d.kitDir,
    notBefore: leaf.cert.notBefore.toISOString(),
    notAfter: leaf.cert.notAfter.toISOString(),
    sha256: createHash('sha256').update(new Uint8Array(leaf.cert.rawData)).digest('hex'),
    status: 'valid',
  };
  const c = state.coordinator;
  writeStartupKit(join(p.dir, d.kitDir), {
    manifest: {
      format: kitFormat,
      project: state.project,
      name: d.name,
      role: d.role.role,
      ...(d.role.site !== undefined ? { site: d.role.site } : {}),
      serial: record.serial,
      notAfter: record.notAfter,
      coordinator: { name: c.name, host: c.hosts[0], hosts: c.hosts, port: c.port },
    },
    certPem: leaf.cert.toString('pem'),
    keyPem: await exportPrivateKeyPem(leaf.privateKey),
    caPem: p.ca.cert.toString('pem'),
    policyYaml: subject.kind === 'site' ? sitePolicyYaml(defaultSitePolicy(subject.name, state.policyDefaults)) : undefined,
  });
  state.issued.push(record);
  return record;
}

/**
 * Sign a new CRL listing every revoked certificate and write it to ca/crl.pem and into every
 * coordinator kit (the coordinator checks peers against it). Mutates the CRL counter in `p.state`.
 */
export async function publishCrl(p: OpenProject, now: Date): Promise<string> {
  const { state } = p;
  const revoked = state.issued
    .filter((r) => r.status === 'revoked')
    .map((r) => ({ serial: r.serial, revokedAt: new Date(r.revokedAt!), reason: r.reason ?? 'unspecified' }));
  const crl = await buildCrl(p.ca, revoked, state.nextCrlNumber, now, new Date(now.getTime() + state.validity.crlDays * 86_400_000));
  state.nextCrlNumber += 1;
  const pem = crlToPem(crl);
  writePublicFile(projectPaths(p.dir).crl, pem);
  for (const r of state.issued) if (r.kind === 'coordinator') writePublicFile(join(p.dir, r.kitDir, kitFiles.crl), pem);
  return pem;
}

export function saveProject(p: OpenProject): void {
  writeState(p.dir, p.state);
}
