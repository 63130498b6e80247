import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { parseCertificate, type CertificateInput } from '../pki/identity.js';
import { keyAlgorithm, signingAlgorithm, type CryptoKey } from '../pki/keys.js';
import { canonicalBytes } from './canonical-json.js';

/**
 * A node's audit-log head as it reports it to the coordinator for anchoring (docs/audit.md,
 * *Anchoring*): the seq and entry hash of its last entry, signed with the node's certificate
 * key (ECDSA P-256, SHA-256), so that the coordinator (and anyone holding the certificate later)
 * can check the node itself stated it. The coordinator then records it as `head_anchored`.
 */
export interface SignedAuditHead {
  /** The node whose log this is (a site name, as in its certificate). */
  readonly node: string;
  readonly seq: number;
  /** sha256 (hex) of the entry with that seq: the auditEntryHash of the log's last entry. */
  readonly entrySha256: string;
  /** ECDSA P-256 / SHA-256 signature (hex, IEEE P1363 r‖s, 128 characters) over auditHeadSignedBytes. */
  readonly signature: string;
}

/** What is signed: the canonical JSON of the head with a fixed purpose tag (never valid as anything else). */
export function auditHeadSignedBytes(head: { readonly node: string; readonly seq: number; readonly entrySha256: string }): Uint8Array {
  return canonicalBytes({ purpose: 'medfed-audit-head/v1', node: head.node, seq: head.seq, entrySha256: head.entrySha256 });
}

/** Sign a node's head with the private key of its certificate (the kit's key.pem, importPrivateKeyPem). */
export async function signAuditHead(head: { readonly node: string; readonly seq: number; readonly entrySha256: string }, privateKey: CryptoKey): Promise<SignedAuditHead> {
  if (!Number.isInteger(head.seq) || head.seq < 0 || !/^[0-9a-f]{64}$/.test(head.entrySha256)) {
    throw new MedfedError(ErrorCodes.INTERNAL, `cannot sign audit head seq ${head.seq} / "${head.entrySha256}" of node "${head.node}": not a log head`, {
      where: 'signAuditHead', hint: 'take the head from AuditLogWriter (nextSeq - 1, headHash) of a log with at least one entry',
    });
  }
  const sig = await globalThis.crypto.subtle.sign(signingAlgorithm, privateKey, toArrayBuffer(auditHeadSignedBytes(head)));
  return { node: head.node, seq: head.seq, entrySha256: head.entrySha256, signature: bytesToHex(new Uint8Array(sig)) };
}

/** sha256 (hex) of a certificate's DER bytes, as `head_anchored.certSha256` records it. */
export function certificateSha256(certificate: CertificateInput): string {
  return bytesToHex(sha256(new Uint8Array(parseCertificate(certificate).rawData)));
}

/**
 * Check a reported head against the certificate of the node that sent it (the one it
 * authenticated with over mTLS). Throws AUDIT_TAMPERED naming the node and seq when the head
 * claims another node or its signature does not verify with the certificate's public key.
 */
export async function verifyAuditHead(head: SignedAuditHead, certificate: CertificateInput, expectedNode: string): Promise<void> {
  const refuse = (why: string) =>
    new MedfedError(ErrorCodes.AUDIT_TAMPERED, `the audit head of node "${expectedNode}" (seq ${head.seq}, sha256 ${head.entrySha256.slice(0, 16)}…) is refused: ${why}`, {
      where: `audit head from ${expectedNode}`,
      hint: 'the head was not anchored; check the node\'s startup kit (key.pem must belong to its cert.pem) and run "medfed audit verify" on its log',
    });
  if (head.node !== expectedNode) throw refuse(`it claims to be the head of node "${head.node}"`);
  let key: CryptoKey;
  try {
    const cert = parseCertificate(certificate);
    key = await globalThis.crypto.subtle.importKey('spki', cert.publicKey.rawData, keyAlgorithm, false, ['verify']);
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the certificate of node "${expectedNode}" has no usable ECDSA P-256 public key: ${(e as Error).message}`, {
      where: `certificate of ${expectedNode}`, hint: 'medfed certificates are ECDSA P-256 (medfed provision)', cause: e,
    });
  }
  let signature: Uint8Array;
  try {
    signature = hexToBytes(head.signature);
  } catch {
    throw refuse('its signature is not hex');
  }
  const ok = await globalThis.crypto.subtle.verify(signingAlgorithm, key, toArrayBuffer(signature), toArrayBuffer(auditHeadSignedBytes(head)));
  if (!ok) throw refuse('its signature does not verify with the node\'s certificate');
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.slice().buffer as ArrayBuffer;
}
