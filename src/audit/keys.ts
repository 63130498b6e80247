import { z } from 'zod';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { formatZodIssues } from '../core/zod-errors.js';

/** node id → Ed25519 public key (64 hex characters). */
export type AuditPublicKeys = ReadonlyMap<string, string>;

export interface AuditKeyPair {
  /** 32-byte Ed25519 secret key. */
  privateKey: Uint8Array;
  /** Public key, 64 lowercase hex characters. */
  publicKey: string;
}

export function generateAuditKeyPair(): AuditKeyPair {
  const privateKey = ed25519.utils.randomSecretKey();
  return { privateKey, publicKey: auditPublicKey(privateKey) };
}

/** The public key (hex) of a 32-byte private key. */
export function auditPublicKey(privateKey: Uint8Array): string {
  checkPrivateKey(privateKey, 'private key');
  return bytesToHex(ed25519.getPublicKey(privateKey));
}

export function checkPrivateKey(privateKey: Uint8Array, where: string): void {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `an audit private key must be 32 bytes, got ${privateKey?.length ?? 'none'}`, {
      where,
      hint: 'create one with "medfed audit keygen --node ID --out DIR"',
    });
  }
}

/** Parse a 64-hex-character private key (the content of a key file written by keygen). */
export function parseAuditPrivateKey(text: string, where: string): Uint8Array {
  const t = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(t)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'an audit private key file must hold 64 hex characters (32 bytes)', {
      where,
      hint: 'create one with "medfed audit keygen --node ID --out DIR"',
    });
  }
  return hexToBytes(t.toLowerCase());
}

const registrySchema = z.record(
  z.string().min(1),
  z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected an Ed25519 public key of 64 hex characters').transform((s) => s.toLowerCase()),
);

/** Check a parsed JSON/YAML key registry ({ "node id": "public key hex", … }). */
export function parseAuditPublicKeys(data: unknown, where: string): AuditPublicKeys {
  const r = registrySchema.safeParse(data);
  if (!r.success) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid audit key registry: ${formatZodIssues(r.error)}`, {
      where,
      hint: 'the registry maps node ids to public keys: { "site-a": "<64 hex>", … } (keygen writes audit-keys.json)',
    });
  }
  return new Map(Object.entries(r.data));
}
