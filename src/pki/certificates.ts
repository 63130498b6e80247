import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
  type JsonGeneralName,
  type JsonName,
  type X509Certificate,
} from './x509.js';
import { isIP } from 'node:net';
import { generateKeyPair, signingAlgorithm, type CryptoKey } from './keys.js';
import { roleUri, type MedfedRole } from './roles.js';

const dayMs = 86_400_000;

/** The project's root CA: its certificate and its key pair (the private key signs every kit). */
export interface CertificateAuthority {
  readonly cert: X509Certificate;
  readonly privateKey: CryptoKey;
}

export interface ValidityWindow {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A window starting a minute ago (clock skew between machines) and lasting `days`. */
export function validityFrom(now: Date, days: number): ValidityWindow {
  return { notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + days * dayMs) };
}

/**
 * A serial as the hex @peculiar/x509 writes verbatim as DER INTEGER content: even length and a
 * leading 00 when the top bit is set, so the number stays positive ("80" -> "0080").
 */
export function derSerialHex(hex: string): string {
  let h = hex.toLowerCase().replace(/^(00)+/, '');
  if (h.length % 2) h = `0${h}`;
  return /^[89a-f]/.test(h) ? `00${h}` : h || '00';
}

/** The serial counter's value `n` as DER-ready hex. */
export function serialHex(n: number): string {
  return derSerialHex(n.toString(16));
}

export function subjectName(commonName: string, organization: string): JsonName {
  return [{ CN: [commonName] }, { O: [organization] }];
}

/** Self-signed root: keyCertSign + cRLSign, CA:true with path length 0 (it signs only end entities). */
export async function createRootCa(project: string, serial: string, window: ValidityWindow): Promise<CertificateAuthority> {
  const keys = await generateKeyPair();
  const cert = await X509CertificateGenerator.createSelfSigned({
    serialNumber: serial,
    name: subjectName(`${project} Root CA`, `medfed project ${project}`),
    notBefore: window.notBefore,
    notAfter: window.notAfter,
    keys,
    signingAlgorithm,
    extensions: [
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, privateKey: keys.privateKey };
}

export interface LeafRequest {
  readonly serial: string;
  /** Subject CN: the site or coordinator name, or the user's e-mail. */
  readonly commonName: string;
  readonly organization: string;
  readonly role: MedfedRole;
  /** Host names and IPs that go into the SAN as dNSName / iPAddress (the coordinator's). */
  readonly hosts?: readonly string[];
  readonly email?: string;
  readonly server: boolean;
  readonly window: ValidityWindow;
}

export interface IssuedLeaf {
  readonly cert: X509Certificate;
  readonly privateKey: CryptoKey;
}

/** An end-entity certificate signed by the CA, with a fresh key pair generated for it. */
export async function issueLeaf(ca: CertificateAuthority, req: LeafRequest): Promise<IssuedLeaf> {
  const keys = await generateKeyPair();
  const names: JsonGeneralName[] = (req.hosts ?? []).map((h) => ({ type: isIP(h) ? 'ip' : 'dns', value: h }));
  if (req.email) names.push({ type: 'email', value: req.email });
  names.push({ type: 'url', value: roleUri(req.role) });
  const eku = req.server ? [ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth] : [ExtendedKeyUsage.clientAuth];
  const cert = await X509CertificateGenerator.create({
    serialNumber: req.serial,
    subject: subjectName(req.commonName, req.organization),
    issuer: ca.cert.subjectName,
    notBefore: req.window.notBefore,
    notAfter: req.window.notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
      new ExtendedKeyUsageExtension(eku, false),
      new SubjectAlternativeNameExtension(names, false),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
      await AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  return { cert, privateKey: keys.privateKey };
}
