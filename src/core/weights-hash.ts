import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodeSafetensors } from './safetensors.js';
import type { Weights } from './tensors.js';

/** sha256 (hex) of the weights' canonical safetensors bytes (no metadata): the "final-weights hash". */
export function weightsSha256(weights: Weights): string {
  return bytesToHex(sha256(encodeSafetensors(weights)));
}

export function bytesSha256(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}
