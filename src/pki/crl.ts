import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { AuthorityKeyIdentifierExtension, Extension, PemConverter, X509Crl, X509CrlGenerator, X509CrlReason } from './x509.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { derSerialHex, type CertificateAuthority } from './certificates.js';
import { signingAlgorithm } from './keys.js';

/** Revocation reasons accepted by `medfed provision revoke --reason` (RFC 5280 5.3.1). */
export const revocationReasons = {
  unspecified: X509CrlReason.unspecified,
  'key-compromise': X509CrlReason.keyCompromise,
  'affiliation-changed': X509CrlReason.affiliationChanged,
  superseded: X509CrlReason.superseded,
  'cessation-of-operation': X509CrlReason.cessationOfOperation,
  'privilege-withdrawn': X509CrlReason.privilegeWithdrawn,
} as const;
export type RevocationReason = keyof typeof revocationReasons;

export function parseRevocationReason(text: string, where: string): RevocationReason {
  if (Object.hasOwn(revocationReasons, text)) return text as RevocationReason;
  throw new MedfedError(ErrorCodes.CONFIG_INVALID, `unknown revocation reason "${text}"; use one of: ${Object.keys(revocationReasons).join(', ')}`, {
    where,
    hint: 'put free text in --note',
  });
}

export interface RevokedEntry {
  readonly serial: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

/**
 * A complete (not delta) X.509 v2 CRL signed by the CA, with the CRL number and authority key
 * identifier extensions RFC 5280 requires, one entry per revoked certificate.
 */
export async function buildCrl(
  ca: CertificateAuthority,
  revoked: readonly RevokedEntry[],
  crlNumber: number,
  thisUpdate: Date,
  nextUpdate: Date,
): Promise<X509Crl> {
  const crlNumberDer = AsnConvert.serialize(new CRLNumber(crlNumber));
  return X509CrlGenerator.create({
    issuer: ca.cert.subjectName,
    thisUpdate,
    nextUpdate,
    signingKey: ca.privateKey,
    signingAlgorithm,
    extensions: [new Extension(id_ce_cRLNumber, false, crlNumberDer), await AuthorityKeyIdentifierExtension.create(ca.cert.publicKey)],
    entries: revoked.map((r) => ({ serialNumber: derSerialHex(r.serial), revocationDate: r.revokedAt, reason: revocationReasons[r.reason] })),
  });
}

/** PEM with the "X509 CRL" label openssl and Node's tls expect (the library writes "CRL"). */
export function crlToPem(crl: X509Crl): string {
  return PemConverter.encode(crl.rawData, 'X509 CRL');
}
