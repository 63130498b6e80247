import { PemConverter } from './x509.js';
import type { webcrypto } from 'node:crypto';
import { ErrorCodes, MedfedError } from '../core/errors.js';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** medfed keys are ECDSA P-256, signatures ECDSA with SHA-256. */
export const keyAlgorithm: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
export const signingAlgorithm: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** A fresh extractable key pair (the private key is exported once, to its kit, then dropped). */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
}

/** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), the form Node's tls and openssl read. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await globalThis.crypto.subtle.exportKey('pkcs8', key);
  return PemConverter.encode(der, 'PRIVATE KEY');
}

/** Import a PKCS#8 PEM P-256 key for signing; `where` names the file in errors. */
export async function importPrivateKeyPem(pem: string, where: string): Promise<CryptoKey> {
  try {
    const der = PemConverter.decodeFirst(pem);
    return await globalThis.crypto.subtle.importKey('pkcs8', der, keyAlgorithm, false, ['sign']);
  } catch (e) {
    throw new MedfedError(ErrorCodes.FORMAT_INVALID, `cannot read the private key: ${(e as Error).message}`, {
      where,
      hint: 'the file must hold a PKCS#8 PEM ECDSA P-256 key as written by medfed provision',
      cause: e,
    });
  }
}
