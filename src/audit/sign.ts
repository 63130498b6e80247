import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { signedBytes, type AuditEntry, type UnsignedAuditEntry } from './entry.js';
import { checkPrivateKey } from './keys.js';

/** Sign an entry with the node's 32-byte Ed25519 private key. */
export function signAuditEntry(entry: UnsignedAuditEntry, privateKey: Uint8Array): AuditEntry {
  checkPrivateKey(privateKey, 'signAuditEntry');
  const sig = bytesToHex(ed25519.sign(signedBytes(entry), privateKey));
  return { seq: entry.seq, ts: entry.ts, node: entry.node, event: entry.event, prev: entry.prev, sig };
}

/** True when `entry.sig` is a valid signature of the entry by `publicKeyHex`. Never throws. */
export function auditSignatureValid(entry: AuditEntry, publicKeyHex: string): boolean {
  try {
    return ed25519.verify(hexToBytes(entry.sig), signedBytes(entry), hexToBytes(publicKeyHex));
  } catch {
    return false;
  }
}
