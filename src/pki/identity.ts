import { ErrorCodes, MedfedError } from '../core/errors.js';
import { parseRoleUri, type MedfedRole, type RoleName } from './roles.js';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509Crl,
} from './x509.js';

/** A certificate as PEM text, DER bytes (e.g. tls `getPeerCertificate().raw`) or a parsed one. */
export type CertificateInput = string | Uint8Array | ArrayBuffer | X509Certificate;
export type CrlInput = string | Uint8Array | ArrayBuffer | X509Crl;

export interface PeerIdentity {
  /** Subject CN: the site or coordinator name, or the user's e-mail. */
  readonly name: string;
  readonly role: RoleName;
  readonly site?: string;
  /** Serial number, lower-case hex: what the audit trail and the CRL refer to. */
  readonly serial: string;
}

export type RefusalReason = 'unknown-ca' | 'expired' | 'not-yet-valid' | 'revoked' | 'bad-signature' | 'no-role' | 'wrong-usage' | 'malformed';

export type PeerVerification =
  | { readonly ok: true; readonly identity: PeerIdentity }
  | { readonly ok: false; readonly reason: RefusalReason; readonly detail: string; readonly subject?: string; readonly serial?: string };

export interface VerifyPeerOptions {
  /** The project's root CA certificate (ca.pem of any kit). */
  readonly caCert: CertificateInput;
  /** The project CRL (ca/crl.pem); it must be signed by caCert. Without it revocation is not checked. */
  readonly crl?: CrlInput;
  readonly now?: Date;
  /** The EKU the peer must hold: 'client' (a site or user connecting in) or 'server' (the coordinator). Default 'client'. */
  readonly usage?: 'client' | 'server';
}

function bytesOf(input: Uint8Array | ArrayBuffer): ArrayBuffer {
  return new Uint8Array(input).slice().buffer; // a copy: a Buffer may be a view into a shared pool
}

export function parseCertificate(input: CertificateInput): X509Certificate {
  if (input instanceof X509Certificate) return input;
  return new X509Certificate(typeof input === 'string' ? input : bytesOf(input));
}

function parseCrl(input: CrlInput): X509Crl {
  if (input instanceof X509Crl) return input;
  return new X509Crl(typeof input === 'string' ? input : bytesOf(input));
}

/** The medfed role a certificate carries in its URI SAN, or null when it has none (or two). */
export function roleOf(cert: CertificateInput): MedfedRole | null {
  const c = parseCertificate(cert);
  const san = c.getExtension(SubjectAlternativeNameExtension);
  const roles = (san?.names.items ?? []).filter((n) => n.type === 'url').map((n) => parseRoleUri(n.value)).filter((r) => r !== null);
  return roles.length === 1 ? roles[0] : null;
}

function windowProblem(c: X509Certificate, now: Date, what: string): { reason: RefusalReason; detail: string } | null {
  if (now < c.notBefore) return { reason: 'not-yet-valid', detail: `${what} is valid only from ${c.notBefore.toISOString()}` };
  if (now > c.notAfter) return { reason: 'expired', detail: `${what} expired on ${c.notAfter.toISOString()}` };
  return null;
}

/**
 * Check a peer's certificate against the project CA for the application layer and the audit
 * trail: issuer and key identifier, signature, revocation, validity window, EKU, medfed role.
 * Never throws for a bad peer certificate (the reason says why it is refused); throws
 * CONFIG_INVALID when the CRL given is not one signed by the CA (an operator error).
 */
export async function verifyPeerCertificate(cert: CertificateInput, opts: VerifyPeerOptions): Promise<PeerVerification> {
  const now = opts.now ?? new Date();
  let ca: X509Certificate;
  try {
    ca = parseCertificate(opts.caCert);
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the project CA certificate cannot be read: ${(e as Error).message}`, {
      where: 'caCert',
      hint: 'pass ca.pem from this node\'s startup kit',
      cause: e,
    });
  }
  let c: X509Certificate;
  try {
    c = parseCertificate(cert);
  } catch (e) {
    return { ok: false, reason: 'malformed', detail: `not an X.509 certificate: ${(e as Error).message}` };
  }
  const refuse = (reason: RefusalReason, detail: string): PeerVerification => ({ ok: false, reason, detail, subject: c.subject, serial: c.serialNumber.toLowerCase() });

  const aki = c.getExtension(AuthorityKeyIdentifierExtension)?.keyId;
  const ski = ca.getExtension(SubjectKeyIdentifierExtension)?.keyId;
  if (c.issuer !== ca.subject || (aki !== undefined && ski !== undefined && aki !== ski)) {
    return refuse('unknown-ca', `issued by "${c.issuer}"${aki ? ` (key ${aki})` : ''}, not by the project CA "${ca.subject}"${ski ? ` (key ${ski})` : ''}`);
  }
  if (!(await c.verify({ publicKey: ca.publicKey, signatureOnly: true }))) return refuse('bad-signature', 'the signature does not verify with the project CA key');

  if (opts.crl !== undefined) {
    const crl = parseCrl(opts.crl);
    if (crl.issuer !== ca.subject || !(await crl.verify({ publicKey: ca }))) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the CRL is not signed by the project CA "${ca.subject}"`, {
        where: 'crl',
        hint: 'use the crl.pem written by "medfed provision" for this project',
      });
    }
    const entry = crl.findRevoked(c);
    if (entry) return refuse('revoked', `serial ${c.serialNumber.toLowerCase()} was revoked on ${entry.revocationDate.toISOString()}`);
  }

  const expiry = windowProblem(ca, now, 'the project CA') ?? windowProblem(c, now, 'the certificate');
  if (expiry) return refuse(expiry.reason, expiry.detail);

  if (c.getExtension(BasicConstraintsExtension)?.ca) return refuse('wrong-usage', 'a CA certificate cannot identify a peer');
  const wanted = (opts.usage ?? 'client') === 'client' ? ExtendedKeyUsage.clientAuth : ExtendedKeyUsage.serverAuth;
  const eku = c.getExtension(ExtendedKeyUsageExtension)?.usages ?? [];
  if (!eku.includes(wanted)) return refuse('wrong-usage', `the certificate lacks the ${opts.usage ?? 'client'}Auth extended key usage`);

  const role = roleOf(c);
  const name = c.subjectName.getField('CN')[0];
  if (!role || !name) return refuse('no-role', 'the certificate carries no medfed role (URI SAN medfed:role=...) or no common name');
  if (role.role === 'site' && role.site !== name) return refuse('no-role', `the site role names "${role.site}" but the certificate is for "${name}"`);
  return { ok: true, identity: { name, role: role.role, ...(role.site !== undefined ? { site: role.site } : {}), serial: c.serialNumber.toLowerCase() } };
}
