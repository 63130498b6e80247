import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { concatBytes, randomBytes, utf8 } from './bytes.js';

const SALT = utf8('medfed-secagg+/v1');
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function newKeyPair(): KeyPair {
  const secretKey = randomBytes(32);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

/** Purpose labels keep the encryption key and the mask key of one pair independent. */
export type KeyPurpose = 'share-encryption' | 'pairwise-mask';

/**
 * HKDF-SHA256(X25519(sk, pk)) with info binding purpose, round and the unordered pair of ids, so
 * both ends derive the same 256-bit key and no key is reused across rounds or pairs.
 */
export function pairKey(secretKey: Uint8Array, peerPublicKey: Uint8Array, purpose: KeyPurpose, round: number, a: string, b: string): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, peerPublicKey);
  } catch (cause) {
    throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `X25519 key agreement between ${a} and ${b} failed (invalid or low-order public key)`, {
      where: 'secagg/keys',
      cause,
    });
  }
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const info = utf8(JSON.stringify([purpose, round, lo, hi]));
  return hkdf(sha256, shared, SALT, info, 32);
}

/** Associated data: the ciphertext is bound to its direction (sender -> receiver) and round. */
export function shareAad(round: number, sender: string, receiver: string): Uint8Array {
  return utf8(JSON.stringify(['secagg-shares', round, sender, receiver]));
}

/** ChaCha20-Poly1305 with a random 96-bit nonce prepended. */
export function seal(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  return concatBytes(nonce, chacha20poly1305(key, nonce, aad).encrypt(plaintext));
}

export function open(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array, what: string): Uint8Array {
  try {
    const nonce = sealed.subarray(0, NONCE_BYTES);
    return chacha20poly1305(key, nonce, aad).decrypt(sealed.subarray(NONCE_BYTES));
  } catch (cause) {
    throw new MedfedError(ErrorCodes.SECAGG_PROTOCOL, `${what}: authentication failed (ciphertext tampered, misaddressed or from another round)`, {
      where: 'secagg/keys',
      cause,
    });
  }
}
