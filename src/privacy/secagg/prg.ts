import { chacha20 } from '@noble/ciphers/chacha.js';
import { wordsLE } from './bytes.js';

const ZERO_NONCE = new Uint8Array(12);
/** Shared all-zero input for the XOR stream (read only, grown on demand). */
let zeros = new Uint8Array(0);
function zeroBytes(length: number): Uint8Array {
  if (zeros.length < length) zeros = new Uint8Array(length);
  return zeros.subarray(0, length);
}

/**
 * The mask generator: the ChaCha20 (RFC 8439) keystream under a 256-bit key, read as little-endian
 * uint32 words. Every key is used for one stream only (derived per pair and round, or a fresh
 * self-mask seed), so the fixed zero nonce is safe. Streams of up to 2^32 blocks (256 GiB).
 */
export function prgWords(key: Uint8Array, count: number, scratch?: Uint8Array): Uint32Array {
  if (key.length !== 32) throw new RangeError(`PRG key must be 32 bytes, got ${key.length}`);
  const stream = chacha20(key, ZERO_NONCE, zeroBytes(count * 4), scratch);
  return wordsLE(stream);
}

/** acc[i] = (acc[i] + sign * prg[i]) mod 2^bits, in place; `scratch` (4 * acc.length bytes) avoids an allocation per stream. */
export function addMask(acc: Uint32Array, key: Uint8Array, sign: 1 | -1, modulusBits: number, scratch?: Uint8Array): void {
  const words = prgWords(key, acc.length, scratch);
  const mask = modulusBits === 32 ? 0xffffffff : 2 ** modulusBits - 1;
  if (sign === 1) {
    for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] + words[i]) & mask;
  } else {
    for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] - words[i]) & mask;
  }
}
